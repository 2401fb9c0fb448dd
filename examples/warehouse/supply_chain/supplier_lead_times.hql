-- Supplier lead times from purchase orders received in the last 180 days.
INSERT OVERWRITE TABLE scm.supplier_lead_times
SELECT s.supplier_name,
       count(*)                                                   AS purchase_orders,
       avg(datediff(po.received_date, po.ordered_date))           AS avg_lead_days,
       percentile(CAST(datediff(po.received_date, po.ordered_date) AS BIGINT), 0.9) AS p90_lead_days
FROM raw.erp_purchase_orders po
JOIN raw.erp_suppliers s ON s.supplier_id = po.supplier_id
WHERE po.received_date >= date_sub('${ds}', 180)
GROUP BY s.supplier_name;
