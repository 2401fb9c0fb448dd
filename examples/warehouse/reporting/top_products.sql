-- Top 100 products of the last 7 days by revenue.
DELETE FROM reporting.top_products WHERE snapshot_date = '${ds}';

INSERT INTO reporting.top_products (snapshot_date, `rank`, product_id, sku, category, brand, revenue_eur, units)
SELECT '${ds}', ranked.rnk, ranked.product_id, ranked.sku, ranked.category, ranked.brand, ranked.revenue_eur, ranked.units
FROM (
    SELECT p.product_id, p.sku, p.category, p.brand,
           SUM(p.revenue_eur) AS revenue_eur,
           SUM(p.units) AS units,
           RANK() OVER (ORDER BY SUM(p.revenue_eur) DESC) AS rnk
    FROM dws.product_daily_sales p
    WHERE p.dt > DATE_SUB('${ds}', INTERVAL 7 DAY)
    GROUP BY p.product_id, p.sku, p.category, p.brand
) AS ranked
WHERE ranked.rnk <= 100;
