-- Ad hoc: VIP customers for the summer campaign (requested by marketing).
CREATE TABLE IF NOT EXISTS sandbox.vip_customers_summer AS
SELECT c.customer_id, c.country, sum(o.net_eur) AS net_eur_365d
FROM dws.customer_daily o
JOIN dwd.dim_customer c ON c.customer_id = o.customer_id AND c.is_current
WHERE o.dt > date_sub('${ds}', 365)
  AND c.marketing_optin
GROUP BY c.customer_id, c.country
HAVING sum(o.net_eur) > 1000;
