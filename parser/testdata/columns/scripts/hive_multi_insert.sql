-- dialect: hive
-- schema: {"src.page_views": ["user_id", "url", "referrer", "ts", "country"], "dw.views_by_country": ["user_id", "url", "country"]}
-- Hive multi-insert: one FROM, two targets; a dynamic partition column
-- (country) fed by the last select column; a static one (dt) fed by a
-- literal.
FROM src.page_views pv
INSERT OVERWRITE TABLE dw.views_by_country PARTITION (country)
  SELECT pv.user_id, pv.url, pv.country
  WHERE pv.ts > 0
INSERT INTO TABLE dw.referrers PARTITION (dt = '2024-01-01')
  SELECT pv.referrer, count(*) AS views
  GROUP BY pv.referrer;
