-- dialect: tsql
-- #temp tables are resolved through: CREATE TABLE #t gives its columns,
-- INSERT INTO #t by position fills them, SELECT ... INTO #u creates one.
CREATE TABLE #recent (customer_id INT, last_order DATETIME);

INSERT INTO #recent
SELECT o.customer_id, MAX(o.order_date)
FROM sales.orders o
GROUP BY o.customer_id;

SELECT r.customer_id, c.email, r.last_order
INTO #mail
FROM #recent r JOIN crm.customers c ON c.id = r.customer_id
WHERE c.opt_in = 1;

INSERT INTO mkt.mailing (customer_id, email, last_order)
SELECT customer_id, email, last_order FROM #mail;
