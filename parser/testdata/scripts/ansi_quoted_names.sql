-- dialect: ansi
-- ANSI: double-quoted names keep dots and case; four-part names stay whole.
INSERT INTO "Reporting"."Monthly Summary"
SELECT s.region, SUM(s.amount)
FROM srv1.sales_db.dbo.sales s
FULL OUTER JOIN "ref"."Regions" r ON r.code = s.region
WHERE NOT EXISTS (SELECT 1 FROM audit.excluded_regions x WHERE x.code = s.region)
GROUP BY s.region;
