-- Orders from the shop database, deduplicated on the latest update.
SET hive.exec.dynamic.partition=true;
SET hive.exec.dynamic.partition.mode=nonstrict;

INSERT OVERWRITE TABLE ods.orders PARTITION (dt = '${hivevar:ds}')
SELECT
    o.order_id,
    o.customer_id,
    lower(trim(o.status))                      AS status,
    o.currency,
    CAST(o.total_amount AS DECIMAL(18, 2))     AS total_amount,
    CAST(o.discount_amount AS DECIMAL(18, 2))  AS discount_amount,
    o.coupon_code,
    o.channel,
    from_unixtime(o.created_ts)                AS created_at,
    from_unixtime(o.updated_ts)                AS updated_at
FROM (
    SELECT r.*,
           row_number() OVER (PARTITION BY r.order_id ORDER BY r.updated_ts DESC) AS rn
    FROM raw.shop_orders r
    WHERE r.dt = '${hivevar:ds}'
) o
WHERE o.rn = 1;
