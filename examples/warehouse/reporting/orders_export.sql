-- The day's orders, every column, for the BI team's ad-hoc workbook. It
-- copies whatever columns the fact table has (SELECT *), so it breaks
-- quietly when one is dropped or renamed.
REPLACE INTO reporting.orders_export
SELECT * FROM dwd.fact_orders WHERE dt = '${ds}';
