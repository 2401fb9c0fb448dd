-- dialect: spark
-- A CTE may shadow a table name; inside its own body the name is the table.
WITH orders AS (
  SELECT * FROM orders WHERE status <> 'cancelled'
),
totals AS (
  SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id
)
INSERT INTO TABLE analytics.customer_totals
SELECT t.customer_id, t.total, c.country
FROM totals t
LEFT ANTI JOIN analytics.blocked_customers b ON t.customer_id = b.customer_id
JOIN `crm`.`customers` c ON c.id = t.customer_id;

SELECT * FROM parquet.`s3://lake/exports/customer_totals/` LIMIT 10;
