-- dialect: hive
-- Hive job that sets its own variables, streams rows through a script
-- (SELECT TRANSFORM ... USING) and builds a cube.
SET hivevar:src_db=ods;
SET hivevar:run_date='2024-06-01';
SET hiveconf:hive.exec.dynamic.partition.mode=nonstrict;
SET hivevar:orders=${hivevar:src_db}.orders;
ADD FILE /opt/jobs/clean_agent.py;

INSERT OVERWRITE TABLE stage.clean_user_agents PARTITION (dt)
SELECT TRANSFORM (session_id, user_agent, dt)
       ROW FORMAT DELIMITED FIELDS TERMINATED BY '\t'
       USING 'python clean_agent.py'
       AS (session_id STRING, browser STRING, os STRING, dt STRING)
FROM ${hivevar:src_db}.web_sessions TABLESAMPLE (BUCKET 1 OUT OF 16 ON session_id)
WHERE dt = ${hivevar:run_date};

INSERT OVERWRITE TABLE mart.order_cube PARTITION (dt = ${hivevar:run_date})
SELECT o.country,
       ua.browser,
       grouping__id                                  AS gid,
       count(DISTINCT o.order_id)                    AS orders,
       sum(o.amount)                                 AS revenue,
       percentile_approx(o.amount, 0.5)              AS median_amount,
       collect_set(split(o.coupon_codes, ',')[0])    AS first_coupons
FROM ${hivevar:orders} o
JOIN stage.clean_user_agents ua ON ua.session_id = o.session_id AND ua.dt = o.dt
WHERE o.dt >= date_sub(${hivevar:run_date}, 28)
  AND o.status RLIKE '^(PAID|SHIPPED)$'
GROUP BY o.country, ua.browser WITH CUBE;

INSERT OVERWRITE TABLE mart.order_sets PARTITION (dt = ${hivevar:run_date})
SELECT country, channel, sum(amount) AS revenue
FROM ${hivevar:orders}
WHERE dt = ${hivevar:run_date}
GROUP BY country, channel GROUPING SETS ((country, channel), (country), ());
