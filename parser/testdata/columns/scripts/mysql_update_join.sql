-- dialect: mysql
-- MySQL multi-table UPDATE, INSERT ... VALUES (literals feed nothing), and
-- a SELECT with USING.
UPDATE shop.items i JOIN shop.prices p ON p.item_id = i.id
SET i.price = p.price * (1 + p.tax), i.updated = NOW()
WHERE p.valid = 1;

INSERT INTO shop.log (id, msg) VALUES (1, 'done');

INSERT INTO shop.item_prices
SELECT item_id, i.name, p.price
FROM shop.items i JOIN shop.prices p USING (item_id);
