-- dialect: hive
-- Columns DDL gives, followed through ALTER TABLE: ADD COLUMNS, CHANGE,
-- DROP and a rename; INSERT by position onto the current columns.
CREATE TABLE stage.events (id INT, payload STRING) PARTITIONED BY (dt STRING);
ALTER TABLE stage.events ADD COLUMNS (source STRING, ts BIGINT);
ALTER TABLE stage.events CHANGE COLUMN payload body STRING;
ALTER TABLE stage.events RENAME TO stage.events_v2;

INSERT OVERWRITE TABLE stage.events_v2 PARTITION (dt = '2024-01-01')
SELECT e.event_id, e.raw, e.origin, e.event_ts FROM raw.events e;

INSERT OVERWRITE TABLE mart.events SELECT * FROM stage.events_v2 WHERE dt = '2024-01-01';
