-- dialect: trino
-- Trino report over nested event data: UNNEST with column aliases,
-- TRY_CAST, ARRAY and ROW values, lambdas, map subscripts, time zones.
INSERT INTO hive.reporting.item_events
SELECT e.event_id,
       item.sku,
       TRY_CAST(item.qty AS integer)                          AS qty,
       e.attributes['channel']                                AS channel,
       transform(e.prices, p -> p * 100)                      AS price_cents,
       reduce(e.prices, 0, (s, p) -> s + p, s -> s)           AS total_price,
       any_match(e.tags, t -> t = 'promo')                    AS promo,
       CAST(ROW(e.user_id, e.session_id) AS ROW(u bigint, s varchar)) AS ids,
       e.event_time AT TIME ZONE 'Europe/Berlin'              AS local_time,
       date_add('day', -1, date(e.event_time))                AS prev_day,
       ARRAY['web', 'app']                                    AS sources
FROM hive.raw.events e
CROSS JOIN UNNEST(e.items) AS item(sku, qty)
LEFT JOIN hive.dim.products p ON p.sku = item.sku
WHERE e.dt = DATE '2024-06-01'
  AND e.event_type IS DISTINCT FROM 'heartbeat'
  AND NOT contains(ARRAY['test', 'qa'], e.env)
ORDER BY e.event_time DESC NULLS LAST;

CREATE TABLE IF NOT EXISTS hive.reporting.daily_skus
WITH (format = 'ORC', partitioned_by = ARRAY['dt'])
AS
SELECT t.sku, count(*) AS n, approx_percentile(t.qty, 0.9) AS p90, '2024-06-01' AS dt
FROM hive.reporting.item_events e
CROSS JOIN UNNEST(e.skus, e.qtys) WITH ORDINALITY AS t(sku, qty, pos)
GROUP BY ROLLUP (t.sku);
