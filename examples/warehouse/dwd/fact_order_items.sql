-- Order lines with product attributes, for category and brand reporting.
INSERT OVERWRITE TABLE dwd.fact_order_items PARTITION (dt = '${ds}')
SELECT
    i.order_item_id,
    i.order_id,
    f.customer_id,
    i.product_id,
    p.category,
    p.subcategory,
    p.brand,
    i.quantity,
    i.line_amount,
    i.line_amount / nullif(f.gross_eur, 0) AS share_of_order
FROM ods.order_items i
JOIN dwd.fact_orders f ON f.order_id = i.order_id AND f.dt = '${ds}'
LEFT JOIN dwd.dim_product p ON p.product_id = i.product_id
WHERE i.dt = '${ds}';
