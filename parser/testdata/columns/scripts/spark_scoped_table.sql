-- dialect: spark
-- A table created and dropped by the same script is temporary (as at
-- table level): resolved through, never a target.
CREATE TABLE tmp.stage AS
SELECT user_id, sum(amount) AS total
FROM raw.payments
WHERE status = 'ok'
GROUP BY user_id;

INSERT OVERWRITE TABLE mart.user_totals
SELECT s.user_id, s.total, u.country
FROM tmp.stage s JOIN raw.users u ON u.id = s.user_id
WHERE s.total > 0;

DROP TABLE tmp.stage;
