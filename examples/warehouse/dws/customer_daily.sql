-- Per customer and day: orders, spend, sessions. Feeds LTV, churn and segments.
INSERT OVERWRITE TABLE dws.customer_daily PARTITION (dt = '${ds}')
SELECT
    c.customer_id,
    c.country,
    coalesce(o.orders, 0)      AS orders,
    coalesce(o.gross_eur, 0)   AS gross_eur,
    coalesce(o.net_eur, 0)     AS net_eur,
    coalesce(s.sessions, 0)    AS sessions,
    datediff(to_date('${ds}'), to_date(c.signup_at)) AS tenure_days
FROM dwd.dim_customer c
LEFT JOIN (
    SELECT customer_id,
           count(*)                                       AS orders,
           sum(gross_eur)                                 AS gross_eur,
           sum(captured_eur - refunded_eur)               AS net_eur
    FROM dwd.fact_orders
    WHERE dt = '${ds}' AND status <> 'cancelled'
    GROUP BY customer_id
) o ON o.customer_id = c.customer_id
LEFT JOIN (
    SELECT customer_id, count(*) AS sessions
    FROM dwd.fact_sessions
    WHERE dt = '${ds}' AND customer_id IS NOT NULL
    GROUP BY customer_id
) s ON s.customer_id = c.customer_id
WHERE c.is_current;
