-- Sales by country and channel, month to date, for the sales dashboard.
CREATE TEMPORARY TABLE tmp_mtd AS
SELECT country, channel, SUM(net_eur) AS net_eur, SUM(orders) AS orders
FROM dws.revenue_daily
WHERE dt BETWEEN DATE_FORMAT('${ds}', '%Y-%m-01') AND '${ds}'
GROUP BY country, channel;

INSERT INTO reporting.sales_by_country (month, country, channel, net_eur, orders, updated_at)
SELECT DATE_FORMAT('${ds}', '%Y-%m'), t.country, t.channel, t.net_eur, t.orders, NOW()
FROM tmp_mtd t
ON DUPLICATE KEY UPDATE
    net_eur    = VALUES(net_eur),
    orders     = VALUES(orders),
    updated_at = VALUES(updated_at);

UPDATE reporting.sales_by_country s
JOIN reporting.country_targets tg
  ON tg.country = s.country AND tg.month = s.month
SET s.target_eur = tg.target_eur,
    s.pct_of_target = s.net_eur / NULLIF(tg.target_eur, 0)
WHERE s.month = DATE_FORMAT('${ds}', '%Y-%m');

DROP TEMPORARY TABLE IF EXISTS tmp_mtd;
