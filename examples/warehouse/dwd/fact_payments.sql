-- Payments joined to their orders; unmatched payments are kept for reconciliation.
INSERT OVERWRITE TABLE dwd.fact_payments PARTITION (dt = '${ds}')
SELECT
    p.txn_id,
    p.order_id,
    o.customer_id,
    p.method,
    p.status,
    p.amount,
    p.currency,
    p.paid_at,
    o.order_id IS NULL AS is_orphan
FROM ods.payments p
LEFT JOIN ods.orders o
  ON o.order_id = p.order_id AND o.dt = p.dt
WHERE p.dt = '${ds}';
