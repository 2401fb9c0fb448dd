-- Accounts receivable aging for invoice (B2B) orders.
CREATE TABLE IF NOT EXISTS finance.ar_aging (
    snapshot_date date,
    customer_id   bigint,
    bucket        text,
    open_eur      numeric(18, 2)
);

DELETE FROM finance.ar_aging WHERE snapshot_date = DATE '${ds}';

INSERT INTO finance.ar_aging (snapshot_date, customer_id, bucket, open_eur)
SELECT DATE '${ds}',
       o.customer_id,
       CASE
         WHEN DATE '${ds}' - o.created_at::date <= 30 THEN '0-30'
         WHEN DATE '${ds}' - o.created_at::date <= 60 THEN '31-60'
         WHEN DATE '${ds}' - o.created_at::date <= 90 THEN '61-90'
         ELSE '90+'
       END,
       sum(o.gross_eur - o.discount_eur - o.captured_eur)
FROM dwd.fact_orders o
WHERE o.channel = 'b2b_invoice'
  AND NOT o.is_paid
GROUP BY 1, 2, 3;
