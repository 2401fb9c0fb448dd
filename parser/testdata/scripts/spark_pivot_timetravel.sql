-- dialect: databricks
-- Quarterly revenue pivot from a Delta table pinned to a version, an
-- unpivot back to rows, and a comparison with yesterday's snapshot.
CREATE OR REPLACE TABLE finance.revenue_by_quarter AS
SELECT *
FROM (
  SELECT region, quarter(order_date) AS q, amount
  FROM sales.orders VERSION AS OF 42
)
PIVOT (
  sum(amount) AS revenue
  FOR q IN (1 AS q1, 2 AS q2, 3 AS q3, 4 AS q4)
);

INSERT INTO finance.revenue_rows
SELECT region, quarter, revenue
FROM finance.revenue_by_quarter
UNPIVOT INCLUDE NULLS (revenue FOR quarter IN (q1, q2, q3, q4));

CREATE OR REPLACE TEMP VIEW yesterday AS
SELECT * FROM sales.orders TIMESTAMP AS OF date_sub(current_date(), 1);

INSERT INTO finance.order_changes
SELECT t.order_id, t.amount - y.amount AS delta
FROM sales.orders t
JOIN yesterday y ON y.order_id = t.order_id
WHERE t.amount IS DISTINCT FROM y.amount;
