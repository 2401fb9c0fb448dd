-- Customer lifetime value by segment and country.
INSERT INTO reporting.customer_ltv (snapshot_date, segment, country, customers, avg_ltv_eur, avg_orders)
SELECT '${ds}', s.segment, s.country, COUNT(*), AVG(l.ltv_eur), AVG(l.orders)
FROM mkt.customer_segments s
JOIN (
    SELECT customer_id, SUM(net_eur) AS ltv_eur, SUM(orders) AS orders
    FROM dws.customer_daily
    GROUP BY customer_id
) l ON l.customer_id = s.customer_id
GROUP BY s.segment, s.country
ON DUPLICATE KEY UPDATE customers = VALUES(customers), avg_ltv_eur = VALUES(avg_ltv_eur), avg_orders = VALUES(avg_orders);
