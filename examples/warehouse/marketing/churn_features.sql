-- Features for the churn model: activity trends per customer.
INSERT OVERWRITE TABLE mkt.churn_features PARTITION (dt = '${ds}')
SELECT
    d.customer_id,
    sum(CASE WHEN d.dt > date_sub('${ds}', 30) THEN d.orders ELSE 0 END)    AS orders_30d,
    sum(CASE WHEN d.dt > date_sub('${ds}', 90) THEN d.orders ELSE 0 END)    AS orders_90d,
    sum(CASE WHEN d.dt > date_sub('${ds}', 30) THEN d.sessions ELSE 0 END)  AS sessions_30d,
    sum(CASE WHEN d.dt > date_sub('${ds}', 90) THEN d.net_eur ELSE 0 END)   AS net_eur_90d,
    max(d.tenure_days)                                                       AS tenure_days,
    max(seg.segment)                                                         AS segment,
    avg(dp.on_time_rate)                                                     AS carrier_on_time_rate
FROM dws.customer_daily d
LEFT JOIN mkt.customer_segments seg ON seg.customer_id = d.customer_id
LEFT JOIN dws.delivery_performance dp ON dp.country = d.country AND dp.dt = d.dt
WHERE d.dt > date_sub('${ds}', 90)
GROUP BY d.customer_id;
