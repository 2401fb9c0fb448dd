-- dialect: bigquery
-- schema: {"proj.ds.users": ["id", "name", "ssn", "profile", "updated_at"], "proj.ds.events": ["user_id", "event", "ts", "props"]}
-- * EXCEPT / REPLACE, struct fields (u.profile.channel is column profile),
-- QUALIFY, UNNEST.
CREATE OR REPLACE TABLE proj.ds.users_clean AS
SELECT * EXCEPT (ssn),
       u.profile.channel AS channel
FROM `proj.ds.users` u
WHERE u.profile.country = 'US'
QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY updated_at DESC) = 1;

CREATE OR REPLACE TABLE proj.ds.users_upper AS
SELECT * REPLACE (UPPER(name) AS name, NULL AS ssn)
FROM proj.ds.users;

CREATE OR REPLACE VIEW proj.ds.event_props AS
SELECT e.user_id, p.key AS prop_key, p.value AS prop_value
FROM proj.ds.events e, UNNEST(e.props) AS p
WHERE e.event = 'click';
