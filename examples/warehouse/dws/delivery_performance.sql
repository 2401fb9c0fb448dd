-- On-time delivery rate per carrier and country.
INSERT OVERWRITE TABLE dws.delivery_performance PARTITION (dt = '${ds}')
SELECT
    s.carrier,
    o.country,
    count(*)                                                        AS shipments,
    avg(s.delivery_days)                                            AS avg_delivery_days,
    avg(CASE WHEN to_date(s.delivered_at) <= s.promised_date THEN 1.0 ELSE 0.0 END) AS on_time_rate,
    percentile_approx(s.delivery_days, 0.95)                        AS p95_delivery_days
FROM dwd.fact_shipments s
JOIN dwd.fact_orders o ON o.order_id = s.order_id
WHERE s.dt = '${ds}' AND s.delivered_at IS NOT NULL
GROUP BY s.carrier, o.country;
