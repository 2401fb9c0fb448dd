-- dialect: bigquery
-- Script variables are not columns: DECLARE'd names read nothing; a
-- literal feeds nothing.
DECLARE run_date DATE DEFAULT CURRENT_DATE();
DECLARE min_amount, max_amount INT64;

INSERT INTO proj.mart.daily (day, total, source)
SELECT run_date, SUM(o.amount), 'orders'
FROM proj.raw.orders o
WHERE o.created_date = run_date AND o.amount BETWEEN min_amount AND max_amount;
