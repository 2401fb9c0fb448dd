-- Revenue is recognised on delivery; undelivered paid orders are deferred.
BEGIN;

CREATE TEMP TABLE delivered AS
SELECT s.order_id, min(s.delivered_at)::date AS delivered_on
FROM dwd.fact_shipments s
WHERE s.delivered_at IS NOT NULL
GROUP BY s.order_id;

INSERT INTO ${fin_schema}.revenue_recognition AS rr (order_id, country, net_eur, paid_on, recognised_on, status)
SELECT o.order_id,
       o.country,
       o.captured_eur - o.refunded_eur,
       o.last_paid_at::date,
       d.delivered_on,
       CASE WHEN d.delivered_on IS NULL THEN 'deferred' ELSE 'recognised' END
FROM dwd.fact_orders o
LEFT JOIN delivered d ON d.order_id = o.order_id
WHERE o.dt = DATE '${ds}' AND o.is_paid
ON CONFLICT (order_id) DO UPDATE
   SET net_eur       = EXCLUDED.net_eur,
       recognised_on = EXCLUDED.recognised_on,
       status        = EXCLUDED.status
 WHERE rr.status = 'deferred';

COMMIT;
