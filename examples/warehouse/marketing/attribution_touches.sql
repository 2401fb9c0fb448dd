-- Last-touch attribution over a ${lookback_days}-day window: each paid order gets
-- the campaign of the customer's last session before it.
CREATE OR REPLACE TEMPORARY VIEW touches AS
SELECT customer_id, session_id, started_at, utm_source, utm_campaign
FROM dwd.fact_sessions
WHERE dt BETWEEN date_sub('${ds}', ${lookback_days}) AND '${ds}'
  AND customer_id IS NOT NULL
  AND utm_campaign IS NOT NULL;

INSERT OVERWRITE TABLE mkt.attribution_touches PARTITION (dt = '${ds}')
SELECT order_id, customer_id, utm_source, utm_campaign, net_eur, touch_at
FROM (
    SELECT o.order_id,
           o.customer_id,
           t.utm_source,
           t.utm_campaign,
           o.captured_eur - o.refunded_eur AS net_eur,
           t.started_at AS touch_at,
           row_number() OVER (PARTITION BY o.order_id ORDER BY t.started_at DESC) AS rn
    FROM dwd.fact_orders o
    JOIN touches t
      ON t.customer_id = o.customer_id AND t.started_at <= o.created_at
    WHERE o.dt = '${ds}' AND o.is_paid
) ranked
WHERE rn = 1;
