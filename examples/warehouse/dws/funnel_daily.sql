-- Conversion funnel per traffic source: sessions, carts, orders.
WITH steps AS (
    SELECT e.session_id,
           max(CASE WHEN e.event_name = 'product_viewed' THEN 1 ELSE 0 END)     AS viewed,
           max(CASE WHEN e.event_name = 'added_to_cart' THEN 1 ELSE 0 END)      AS carted,
           max(CASE WHEN e.event_name = 'checkout_started' THEN 1 ELSE 0 END)   AS checkout
    FROM ods.web_events e
    WHERE e.dt = '${ds}'
    GROUP BY e.session_id
)
INSERT OVERWRITE TABLE dws.funnel_daily PARTITION (dt = '${ds}')
SELECT s.utm_source,
       count(*)           AS sessions,
       sum(st.viewed)     AS viewed,
       sum(st.carted)     AS carted,
       sum(st.checkout)   AS checkout,
       sum(CASE WHEN s.converted THEN 1 ELSE 0 END) AS converted
FROM dwd.fact_sessions s
JOIN steps st ON st.session_id = s.session_id
WHERE s.dt = '${ds}'
GROUP BY s.utm_source;
