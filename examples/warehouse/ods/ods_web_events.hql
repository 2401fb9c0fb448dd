-- Clickstream: one row per event, properties unpacked from the JSON blob.
INSERT OVERWRITE TABLE ods.web_events PARTITION (dt = '${ds}')
SELECT
    e.event_id,
    e.session_id,
    e.anonymous_id,
    j.customer_id,
    e.event_name,
    j.page_path,
    j.utm_source,
    j.utm_campaign,
    j.product_id,
    from_unixtime(CAST(e.ts / 1000 AS BIGINT)) AS event_at
FROM raw.web_events e
LATERAL VIEW json_tuple(e.properties, 'customer_id', 'page_path', 'utm_source', 'utm_campaign', 'product_id') j
    AS customer_id, page_path, utm_source, utm_campaign, product_id
WHERE e.dt = '${ds}'
  AND e.is_bot = false;
