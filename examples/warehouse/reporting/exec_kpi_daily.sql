-- The executive KPI tile row for one day.
REPLACE INTO reporting.exec_kpi_daily (kpi_date, net_revenue_eur, orders, active_customers, conversion_rate, on_time_rate)
SELECT
    '${ds}',
    r.net_eur,
    r.orders,
    c.active_customers,
    f.converted / NULLIF(f.sessions, 0),
    d.on_time_rate
FROM (SELECT SUM(net_eur) AS net_eur, SUM(orders) AS orders FROM dws.revenue_daily WHERE dt = '${ds}') r
CROSS JOIN (SELECT COUNT(*) AS active_customers FROM dws.customer_daily WHERE dt = '${ds}' AND orders > 0) c
CROSS JOIN (SELECT SUM(sessions) AS sessions, SUM(converted) AS converted FROM dws.funnel_daily WHERE dt = '${ds}') f
CROSS JOIN (SELECT AVG(on_time_rate) AS on_time_rate FROM dws.delivery_performance WHERE dt = '${ds}') d;
