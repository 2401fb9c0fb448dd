-- Product catalogue with the category path flattened.
INSERT OVERWRITE TABLE ods.products PARTITION (dt = '${ds}')
SELECT
    p.product_id,
    p.sku,
    p.title,
    split(p.category_path, '/')[0] AS category,
    split(p.category_path, '/')[1] AS subcategory,
    p.brand,
    p.supplier_id,
    CAST(p.list_price AS DECIMAL(18, 2)) AS list_price,
    p.is_active
FROM raw.shop_products p
WHERE p.dt = '${ds}';
