-- dialect: bigquery
-- BigQuery: backquoted project names, sharded tables, SELECT * EXCEPT.
CREATE OR REPLACE TABLE `analytics-prod.marts.daily_sessions`
PARTITION BY day
AS
SELECT * EXCEPT (raw_payload), DATE(event_ts) AS day
FROM `analytics-prod.ga.events_2024*`
LEFT JOIN UNNEST(items) AS item
WHERE _TABLE_SUFFIX BETWEEN '0101' AND '0131';

MERGE `analytics-prod`.marts.users T
USING `analytics-prod.staging.users_20240131` S
ON T.id = S.id
WHEN NOT MATCHED THEN INSERT ROW;
