INSERT OVERWRITE TABLE mart.orders_daily
SELECT o.dt, sum(o.amount) AS amount
FROM stg.orders o
JOIN ref.calendar c ON c.dt = o.dt
GROUP BY o.dt;
