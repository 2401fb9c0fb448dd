-- dialect: hive
-- Build a new table, then swap it in by renames; the result is named as it ends up.
CREATE TABLE dw.customers_new STORED AS PARQUET AS SELECT * FROM staging.customers;
ALTER TABLE dw.customers RENAME TO dw.customers_old;
ALTER TABLE dw.customers_new RENAME TO dw.customers;
DROP TABLE IF EXISTS dw.customers_old;
ALTER TABLE dw.sales EXCHANGE PARTITION (ds='2024-01-01') WITH TABLE staging.sales;
