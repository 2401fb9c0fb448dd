-- Return on ad spend per campaign.
INSERT OVERWRITE TABLE mkt.campaign_roi PARTITION (dt = '${ds}')
SELECT
    c.campaign_id,
    c.campaign_name,
    c.channel,
    sum(sp.spend_eur)                               AS spend_eur,
    coalesce(sum(a.net_eur), 0)                     AS attributed_revenue_eur,
    count(DISTINCT a.order_id)                      AS attributed_orders,
    coalesce(sum(a.net_eur), 0) / nullif(sum(sp.spend_eur), 0) AS roas
FROM raw.marketing_campaigns c
LEFT JOIN raw.ad_spend sp
  ON sp.campaign_id = c.campaign_id AND sp.spend_date = '${ds}'
LEFT JOIN mkt.attribution_touches a
  ON a.utm_campaign = c.utm_campaign AND a.dt = '${ds}'
GROUP BY c.campaign_id, c.campaign_name, c.channel;
