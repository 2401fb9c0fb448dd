-- Units and revenue per product and day.
INSERT OVERWRITE TABLE dws.product_daily_sales PARTITION (dt = '${ds}')
SELECT
    i.product_id,
    p.sku,
    p.category,
    p.brand,
    sum(i.quantity)                 AS units,
    sum(i.line_amount)              AS revenue_eur,
    count(DISTINCT i.order_id)      AS orders,
    count(DISTINCT i.customer_id)   AS buyers
FROM dwd.fact_order_items i
JOIN dwd.dim_product p ON p.product_id = i.product_id
WHERE i.dt = '${ds}'
GROUP BY i.product_id, p.sku, p.category, p.brand;
