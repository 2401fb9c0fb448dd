-- Order lines; lines of orders unknown to ods.orders are dropped.
INSERT OVERWRITE TABLE ods.order_items PARTITION (dt = '${ds}')
SELECT
    i.order_item_id,
    i.order_id,
    i.product_id,
    i.quantity,
    CAST(i.unit_price AS DECIMAL(18, 2)) AS unit_price,
    CAST(i.quantity * i.unit_price AS DECIMAL(18, 2)) AS line_amount
FROM raw.shop_order_items i
LEFT SEMI JOIN ods.orders o
    ON o.order_id = i.order_id AND o.dt = '${ds}'
WHERE i.dt = '${ds}';
