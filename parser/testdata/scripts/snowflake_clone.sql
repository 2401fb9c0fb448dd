-- dialect: snowflake
-- Snowflake: CLONE, ::casts, semi-structured paths, QUALIFY, FLATTEN.
USE DATABASE analytics;
CREATE OR REPLACE TABLE staging.events_backup CLONE raw.events;

CREATE OR REPLACE TRANSIENT TABLE staging.event_props AS
SELECT e.id, e.payload:device.os::string AS os, f.value::string AS prop
FROM raw.events e,
LATERAL FLATTEN(input => e.payload:props) f
QUALIFY row_number() OVER (PARTITION BY e.id ORDER BY e.ts DESC) = 1;

ALTER TABLE staging.event_props SWAP WITH marts.event_props;
