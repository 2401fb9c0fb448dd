-- Revenue per day, country and channel, net of refunds: the number finance books.
INSERT OVERWRITE TABLE dws.revenue_daily PARTITION (dt = '${ds}')
SELECT
    o.country,
    o.channel,
    count(*)                                 AS orders,
    sum(o.gross_eur)                         AS gross_eur,
    sum(o.discount_eur)                      AS discount_eur,
    sum(o.captured_eur)                      AS captured_eur,
    sum(o.refunded_eur)                      AS refunded_eur,
    sum(o.captured_eur - o.refunded_eur)     AS net_eur,
    sum(CASE WHEN pay.orphans > 0 THEN 1 ELSE 0 END) AS orders_with_orphan_payments
FROM dwd.fact_orders o
LEFT JOIN (
    SELECT order_id, count(*) AS orphans
    FROM dwd.fact_payments
    WHERE dt = '${ds}' AND is_orphan
    GROUP BY order_id
) pay ON pay.order_id = o.order_id
WHERE o.dt = '${ds}'
GROUP BY o.country, o.channel;
