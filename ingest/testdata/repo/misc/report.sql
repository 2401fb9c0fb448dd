CREATE TABLE rpt.top_customers AS
SELECT c.id, sum(o.amount) AS amount
FROM stg.customers c JOIN stg.orders o ON o.customer_id = c.id
GROUP BY c.id;
