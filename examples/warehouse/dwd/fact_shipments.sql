-- Shipments with promised and actual delivery dates.
INSERT OVERWRITE TABLE dwd.fact_shipments PARTITION (dt = '${ds}')
SELECT
    s.shipment_id,
    s.order_id,
    s.carrier,
    to_timestamp(s.shipped_ts)                            AS shipped_at,
    d.delivered_at,
    date_add(to_date(o.created_at), c.promised_days)      AS promised_date,
    datediff(to_date(d.delivered_at), to_date(o.created_at)) AS delivery_days
FROM ods.shipments s
JOIN ods.orders o ON o.order_id = s.order_id
LEFT JOIN (
    SELECT shipment_id, max(event_ts) AS delivered_at
    FROM ods.shipment_events
    WHERE event_type = 'delivered'
    GROUP BY shipment_id
) d ON d.shipment_id = s.shipment_id
LEFT JOIN raw.carrier_contracts c ON c.carrier = s.carrier
WHERE s.dt = '${ds}';
