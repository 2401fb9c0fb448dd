-- dialect: databricks
-- Upsert the latest customer snapshot into a Delta table.
CREATE TABLE IF NOT EXISTS gold.customers (
  id BIGINT, name STRING, tier STRING, updated_at TIMESTAMP
) USING DELTA
PARTITIONED BY (tier)
OPTIONS (path 's3://lake/gold/customers')
TBLPROPERTIES (delta.autoOptimize.optimizeWrite = true);

WITH latest AS (
  SELECT *, row_number() OVER (PARTITION BY id ORDER BY updated_at DESC) AS rn
  FROM silver.customer_changes
  QUALIFY rn = 1
)
MERGE INTO gold.customers AS t
USING (SELECT id, name, tier, updated_at FROM latest WHERE rn = 1) AS s
ON t.id = s.id
WHEN MATCHED AND s.updated_at > t.updated_at THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE AND t.id NOT IN (SELECT id FROM ref.protected_customers) THEN DELETE;

OPTIMIZE gold.customers ZORDER BY (id);
