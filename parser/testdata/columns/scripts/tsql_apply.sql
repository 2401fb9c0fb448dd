-- dialect: tsql
-- CROSS APPLY: the subquery sees the tables before it, as LATERAL does.
INSERT INTO mart.last_order (customer_id, last_total)
SELECT c.id, x.last_total
FROM sales.customers c
CROSS APPLY (SELECT TOP 1 o.total AS last_total FROM sales.orders o WHERE o.customer_id = c.id ORDER BY o.created DESC) x;
