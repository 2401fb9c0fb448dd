-- dialect: trino
-- Trino: catalog.schema.table names, double-quoted identifiers, INTERVAL strings.
CREATE TABLE hive.reports."weekly_active" WITH (format = 'ORC', partitioned_by = ARRAY['week']) AS
SELECT date_trunc('week', e.ts) AS week, count(DISTINCT e.user_id) AS users
FROM hive.events.app_events e
CROSS JOIN UNNEST(e.tags) AS t (tag)
WHERE e.ts > current_date - INTERVAL '90' DAY
  AND e.kind IN (SELECT kind FROM iceberg.ref."Event_Kinds")
GROUP BY 1;

INSERT INTO hive.reports.weekly_active_history
SELECT * FROM hive.reports."weekly_active";
