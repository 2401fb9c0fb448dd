-- dialect: databricks
-- schema: {"bronze.events": ["event_id", "user_id", "payload", "event_ts"]}
-- Lateral alias references (ts_day uses ts, a select-list alias), QUALIFY
-- on an alias, a temporary view resolved through, struct field access.
CREATE OR REPLACE TEMP VIEW v_events AS
SELECT event_id,
       user_id,
       CAST(event_ts AS TIMESTAMP) AS ts,
       date_trunc('DAY', ts) AS ts_day,
       payload.device.os AS os
FROM bronze.events;

CREATE OR REPLACE TABLE silver.last_event AS
SELECT user_id, ts_day, os,
       row_number() OVER (PARTITION BY user_id ORDER BY ts DESC) AS rn
FROM v_events
QUALIFY rn = 1;
