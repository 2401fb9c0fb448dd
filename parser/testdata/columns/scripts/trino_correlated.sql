-- dialect: trino
-- schema: {"hive.sales.orders": ["order_id", "customer_id", "total", "created_at"], "hive.sales.refunds": ["order_id", "amount"], "hive.sales.customers": ["customer_id", "region"]}
-- Correlated subqueries (scalar in the select list, EXISTS and IN in the
-- WHERE), a CTE, a set operation by position, CASE and CAST.
INSERT INTO hive.report.order_net (order_id, net, region, big)
WITH big_customers AS (
    SELECT customer_id FROM hive.sales.orders GROUP BY customer_id HAVING sum(total) > 1000
)
SELECT o.order_id,
       o.total - coalesce((SELECT sum(r.amount) FROM hive.sales.refunds r WHERE r.order_id = o.order_id), 0),
       (SELECT c.region FROM hive.sales.customers c WHERE c.customer_id = o.customer_id),
       CASE WHEN o.customer_id IN (SELECT customer_id FROM big_customers) THEN 1 ELSE 0 END
FROM hive.sales.orders o
WHERE EXISTS (SELECT 1 FROM hive.sales.refunds r2 WHERE r2.order_id = o.order_id)
UNION ALL
SELECT o.order_id, CAST(o.total AS double), 'none', 0
FROM hive.sales.orders o
WHERE o.created_at < DATE '2020-01-01';
