-- Products likely to sell out before the next delivery, with the revenue at risk.
INSERT OVERWRITE TABLE scm.stockout_risk PARTITION (dt = '${ds}')
SELECT r.sku,
       p.product_id,
       p.category,
       r.available / nullif(r.daily_units, 0)            AS days_of_cover,
       r.p90_lead_days,
       r.daily_units * p.list_price * greatest(r.p90_lead_days - r.available / nullif(r.daily_units, 0), 0) AS revenue_at_risk_eur
FROM scm.inventory_reorder r
JOIN dwd.dim_product p ON p.sku = r.sku
WHERE r.dt = '${ds}';
