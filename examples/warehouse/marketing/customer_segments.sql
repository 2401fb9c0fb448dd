-- RFM segments over the last 365 days.
WITH rfm AS (
    SELECT customer_id,
           datediff('${ds}', max(CASE WHEN orders > 0 THEN dt END)) AS recency_days,
           sum(orders)   AS frequency,
           sum(net_eur)  AS monetary_eur
    FROM dws.customer_daily
    WHERE dt > date_sub('${ds}', 365)
    GROUP BY customer_id
),
scored AS (
    SELECT customer_id, recency_days, frequency, monetary_eur,
           ntile(5) OVER (ORDER BY recency_days DESC) AS r,
           ntile(5) OVER (ORDER BY frequency)         AS f,
           ntile(5) OVER (ORDER BY monetary_eur)      AS m
    FROM rfm
)
INSERT OVERWRITE TABLE mkt.customer_segments
SELECT s.customer_id,
       c.country,
       s.r, s.f, s.m,
       CASE
         WHEN s.r >= 4 AND s.f >= 4 THEN 'champion'
         WHEN s.r >= 3 AND s.f >= 3 THEN 'loyal'
         WHEN s.r <= 2 AND s.f >= 3 THEN 'at_risk'
         WHEN s.r <= 1 THEN 'lost'
         ELSE 'casual'
       END AS segment,
       c.marketing_optin
FROM scored s
JOIN dwd.dim_customer c ON c.customer_id = s.customer_id AND c.is_current;
