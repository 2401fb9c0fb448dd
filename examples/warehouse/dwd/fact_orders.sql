-- One row per order with payment status and amounts in EUR.
WITH paid AS (
    SELECT order_id,
           sum(CASE WHEN status = 'captured' THEN amount ELSE 0 END) AS captured_amount,
           sum(CASE WHEN status IN ('refunded', 'chargeback') THEN amount ELSE 0 END) AS refunded_amount,
           max(paid_at) AS last_paid_at
    FROM ods.payments
    WHERE dt = '${ds}'
    GROUP BY order_id
),
fx AS (
    SELECT currency, rate_to_eur
    FROM raw.fx_rates
    WHERE rate_date = '${ds}'
)
INSERT OVERWRITE TABLE dwd.fact_orders PARTITION (dt = '${ds}')
SELECT
    o.order_id,
    o.customer_id,
    c.country,
    o.channel,
    o.status,
    o.coupon_code,
    o.total_amount * fx.rate_to_eur                     AS gross_eur,
    o.discount_amount * fx.rate_to_eur                  AS discount_eur,
    coalesce(p.captured_amount, 0) * fx.rate_to_eur     AS captured_eur,
    coalesce(p.refunded_amount, 0) * fx.rate_to_eur     AS refunded_eur,
    o.created_at,
    p.last_paid_at,
    CASE WHEN p.captured_amount >= o.total_amount - o.discount_amount THEN true ELSE false END AS is_paid
FROM ods.orders o
LEFT JOIN paid p ON p.order_id = o.order_id
JOIN fx ON fx.currency = o.currency
LEFT JOIN dwd.dim_customer c ON c.customer_id = o.customer_id AND c.is_current
WHERE o.dt = '${ds}';
