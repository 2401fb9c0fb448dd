-- Web sessions: first touch, pages seen, and whether the session ordered.
CREATE OR REPLACE TEMPORARY VIEW session_events AS
SELECT session_id,
       first(customer_id, true)    AS customer_id,
       min(event_at)               AS started_at,
       max(event_at)               AS ended_at,
       count(*)                    AS events,
       count(DISTINCT page_path)   AS pages,
       first(utm_source, true)     AS utm_source,
       first(utm_campaign, true)   AS utm_campaign,
       max(CASE WHEN event_name = 'checkout_completed' THEN 1 ELSE 0 END) AS converted
FROM ods.web_events
WHERE dt = '${ds}'
GROUP BY session_id;

CACHE TABLE session_events;

INSERT OVERWRITE TABLE dwd.fact_sessions PARTITION (dt = '${ds}')
SELECT s.session_id,
       s.customer_id,
       s.started_at,
       (unix_timestamp(s.ended_at) - unix_timestamp(s.started_at)) AS duration_s,
       s.events,
       s.pages,
       coalesce(s.utm_source, 'direct') AS utm_source,
       s.utm_campaign,
       s.converted = 1 AS converted
FROM session_events s;

UNCACHE TABLE session_events;
