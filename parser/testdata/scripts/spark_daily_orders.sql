-- dialect: spark
-- vars: ds=2024-01-01,env=prod
-- Daily orders rollup: stage events in a temp view, cache the dimension,
-- then overwrite one partition of the fact table.
SET spark.sql.shuffle.partitions=200;
SET spark.sql.sources.partitionOverwriteMode=dynamic;
ADD JAR /opt/jobs/udfs.jar;
USE ${env}_dw;

CREATE OR REPLACE TEMPORARY VIEW stg_orders AS
SELECT o.order_id, o.customer_id, o.amount, CAST(o.created_at AS DATE) AS order_date
FROM raw.orders o
LEFT SEMI JOIN raw.valid_customers v ON o.customer_id = v.customer_id
WHERE o.ds = '${ds}';

CACHE LAZY TABLE dim_customer_cached AS
SELECT customer_id, segment FROM dim_customer WHERE is_current = true;

INSERT OVERWRITE TABLE fact_orders_daily PARTITION (ds = '${ds}')
SELECT s.order_date, c.segment, count(*) AS orders, sum(s.amount) AS revenue
FROM stg_orders s
JOIN dim_customer_cached c ON s.customer_id = c.customer_id
GROUP BY s.order_date, c.segment
DISTRIBUTE BY order_date;

UNCACHE TABLE dim_customer_cached;
REFRESH TABLE fact_orders_daily;
