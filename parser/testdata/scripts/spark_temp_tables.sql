-- dialect: spark
-- Intermediate tables created and dropped by the job are resolved through.
DROP TABLE IF EXISTS tmp.orders_enriched;
CREATE TABLE tmp.orders_enriched USING PARQUET AS
SELECT o.*, p.category
FROM sales.orders o
JOIN sales.products p ON o.product_id = p.id;

CREATE GLOBAL TEMPORARY VIEW big_spenders AS
SELECT customer_id FROM tmp.orders_enriched GROUP BY customer_id HAVING sum(amount) > 1000;

INSERT INTO TABLE reports.category_sales
SELECT category, sum(amount) FROM tmp.orders_enriched
WHERE customer_id IN (SELECT customer_id FROM big_spenders)
GROUP BY category
CLUSTER BY category;

DROP TABLE tmp.orders_enriched;
