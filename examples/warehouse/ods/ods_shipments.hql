-- Shipments and their tracking events, in one pass over the carrier feed.
FROM raw.carrier_events e
INSERT OVERWRITE TABLE ods.shipments PARTITION (dt = '${ds}')
SELECT e.shipment_id, e.order_id, e.carrier, min(e.event_ts) AS shipped_ts, max(e.event_ts) AS last_event_ts
WHERE e.dt = '${ds}'
GROUP BY e.shipment_id, e.order_id, e.carrier
INSERT OVERWRITE TABLE ods.shipment_events PARTITION (dt = '${ds}')
SELECT e.shipment_id, e.event_type, e.event_ts, e.location
WHERE e.dt = '${ds}';
