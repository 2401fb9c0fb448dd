-- Reorder suggestions: available stock against 28-day demand and supplier lead time.
WITH demand AS (
    SELECT sku, sum(units) / 28.0 AS daily_units
    FROM dws.product_daily_sales
    WHERE dt > date_sub('${ds}', 28)
    GROUP BY sku
),
stock AS (
    SELECT sku, sum(available) AS available
    FROM ods.inventory_snapshots
    WHERE dt = '${ds}'
    GROUP BY sku
)
INSERT OVERWRITE TABLE scm.inventory_reorder PARTITION (dt = '${ds}')
SELECT s.sku,
       p.supplier_name,
       s.available,
       d.daily_units,
       lt.p90_lead_days,
       ceil(d.daily_units * (lt.p90_lead_days + 7) - s.available) AS reorder_units
FROM stock s
JOIN demand d ON d.sku = s.sku
JOIN dwd.dim_product p ON p.sku = s.sku
LEFT JOIN scm.supplier_lead_times lt ON lt.supplier_name = p.supplier_name
WHERE s.available < d.daily_units * (coalesce(lt.p90_lead_days, 14) + 7);
