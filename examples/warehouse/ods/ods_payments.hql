-- Payment transactions from the PSP export: one row per attempt, JSON payload.
INSERT OVERWRITE TABLE ods.payments PARTITION (dt = '${ds}')
SELECT
    t.txn_id,
    get_json_object(t.payload, '$.order_id')                      AS order_id,
    get_json_object(t.payload, '$.method')                        AS method,
    CAST(get_json_object(t.payload, '$.amount') AS DECIMAL(18,2)) AS amount,
    get_json_object(t.payload, '$.currency')                      AS currency,
    t.status,
    from_unixtime(t.event_ts)                                     AS paid_at
FROM raw.payments_transactions t
WHERE t.dt = '${ds}'
  AND t.status IN ('captured', 'refunded', 'chargeback');
