-- dialect: mysql
-- MySQL: multi-table DELETE and UPDATE with aliases, REPLACE INTO.
DELETE o FROM shop.orders o
JOIN shop.customers c ON o.customer_id = c.id
WHERE c.deleted = 1;

UPDATE shop.products p
JOIN shop.stock s ON s.product_id = p.id
SET p.in_stock = (s.qty > 0)
WHERE s.warehouse = 'main';

REPLACE INTO shop.product_cache (id, name)
SELECT id, name FROM shop.products WHERE in_stock;

TRUNCATE TABLE shop.tmp_import;
ANALYZE TABLE shop.orders;
