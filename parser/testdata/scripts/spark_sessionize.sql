-- dialect: spark
-- vars: ds=2024-06-01
-- Sessionize click events: Spark functions TiDB has no grammar for
-- (first/last with ignoreNulls, two-argument date_add/date_sub, subscripts,
-- higher-order functions), a named window and a script-defined variable.
SET spark.sql.adaptive.enabled=true;
SET lookback=7;
SET src_db=ods;

CREATE OR REPLACE TEMPORARY VIEW clicks AS
SELECT e.user_id,
       e.event_at,
       split(e.page_path, '/')[1]                    AS section,
       e.props['utm_source']                          AS utm_source,
       e.items[0].sku                                 AS first_sku,
       transform(e.items, i -> i.price * i.qty)       AS line_totals,
       filter(e.tags, t -> t IS NOT NULL AND t <> '') AS tags,
       aggregate(e.items, 0D, (acc, i) -> acc + i.qty) AS units,
       exists(e.tags, t -> t = 'bot')                 AS is_bot,
       to_date(e.event_at)                            AS event_date
FROM ${src_db}.web_events e
WHERE e.dt BETWEEN date_sub('${ds}', ${lookback}) AND '${ds}'
  AND NOT array_contains(e.tags, 'internal');

CREATE OR REPLACE TEMPORARY VIEW sessions AS
SELECT user_id,
       first(utm_source, true)                        AS utm_source,
       last(section, true)                            AS exit_section,
       min(event_at)                                  AS started_at,
       max(event_at)                                  AS ended_at,
       sum(aggregate(line_totals, 0D, (a, x) -> a + x)) AS basket_value,
       count(*)                                       AS clicks
FROM clicks
WHERE NOT is_bot
GROUP BY user_id, window(event_at, '30 minutes');

INSERT OVERWRITE TABLE dwd.user_sessions PARTITION (dt = '${ds}')
SELECT s.*,
       c.segment,
       row_number() OVER w                            AS session_no,
       lag(s.ended_at) OVER w                         AS previous_end,
       date_add(to_date(s.started_at), 1)             AS next_day,
       int(s.basket_value)                            AS basket_value_int
FROM sessions s
LEFT JOIN dwd.dim_customer c
  ON c.customer_id = s.user_id AND c.valid_to IS NULL
WINDOW w AS (PARTITION BY s.user_id ORDER BY s.started_at NULLS LAST)
ORDER BY s.user_id, s.started_at DESC NULLS FIRST;
