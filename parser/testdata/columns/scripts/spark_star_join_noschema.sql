-- dialect: spark
-- The same job without a schema: the star gives raw.orders.* (unresolved),
-- the target is named by the select list, and an unqualified column over
-- the join has two candidate tables, both listed and flagged.
INSERT OVERWRITE TABLE dw.orders_wide PARTITION (dt = '2024-01-01')
SELECT o.*,
       c.name,
       segment
FROM raw.orders o
JOIN raw.customers c ON o.customer_id = c.id
WHERE c.active = 1;
