-- Product dimension with supplier names.
INSERT OVERWRITE TABLE dwd.dim_product
SELECT
    p.product_id,
    p.sku,
    p.title,
    p.category,
    p.subcategory,
    p.brand,
    s.supplier_name,
    s.country AS supplier_country,
    p.list_price,
    p.is_active
FROM ods.products p
LEFT JOIN raw.erp_suppliers s
  ON s.supplier_id = p.supplier_id
WHERE p.dt = '${ds}';
