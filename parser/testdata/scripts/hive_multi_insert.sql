-- dialect: hive
-- vars: hiveconf:run_date=2024-03-01
-- One scan of the clickstream feeds two tables (Hive multi-insert).
set hive.exec.dynamic.partition.mode=nonstrict;
FROM raw.clickstream c
INSERT OVERWRITE TABLE mart.page_views PARTITION (dt='${hiveconf:run_date}')
  SELECT c.page_id, count(*) WHERE c.event_type = 'view' GROUP BY c.page_id
INSERT INTO TABLE mart.user_sessions PARTITION (dt)
  SELECT c.user_id, c.session_id, min(c.ts), '${hiveconf:run_date}' GROUP BY c.user_id, c.session_id;
