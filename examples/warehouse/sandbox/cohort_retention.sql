-- Monthly signup cohorts and the share of each still ordering N months later.
CREATE OR REPLACE TABLE sandbox.cohort_retention AS
WITH cohorts AS (
    SELECT customer_id, date_trunc('MONTH', signup_at) AS cohort_month
    FROM dwd.dim_customer
    WHERE is_current
),
activity AS (
    SELECT DISTINCT customer_id, date_trunc('MONTH', created_at) AS order_month
    FROM dwd.fact_orders
    WHERE status <> 'cancelled'
)
SELECT c.cohort_month,
       months_between(a.order_month, c.cohort_month) AS months_since_signup,
       count(DISTINCT a.customer_id) AS active_customers
FROM cohorts c
JOIN activity a ON a.customer_id = c.customer_id
GROUP BY 1, 2;
