-- Work in progress; ignored by lineage.yaml.
SELECT * FROM dwd.fact_orders LIMIT 10;
