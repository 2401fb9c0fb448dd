-- dialect: spark
-- schema: {"raw.orders": ["order_id", "customer_id", "amount", "status"], "raw.customers": ["id", "name", "segment", "active"], "dw.orders_wide": ["order_id", "customer_id", "amount", "status", "customer_name", "segment", "amount_rank", "dt"]}
-- Star over a join with a schema; INSERT by position onto the target's
-- schema, less its static partition column; window function; lateral
-- alias (amount_usd is used by the next column).
INSERT OVERWRITE TABLE dw.orders_wide PARTITION (dt = '2024-01-01')
SELECT o.*,
       c.name,
       c.segment,
       rank() OVER (PARTITION BY c.segment ORDER BY o.amount DESC) AS amount_rank
FROM raw.orders o
JOIN raw.customers c ON o.customer_id = c.id
WHERE c.active = 1
ORDER BY o.order_id;

CREATE TABLE dw.order_usd AS
SELECT order_id,
       amount * 1.1 AS amount_usd,
       amount_usd / 100 AS amount_usd_hundreds,
       upper(status) AS status
FROM raw.orders
GROUP BY order_id, amount, status
HAVING count(*) > 0;
