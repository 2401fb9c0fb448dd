-- Customer dimension, type 2: a changed country or opt-in closes the current row.
CREATE OR REPLACE TEMPORARY VIEW customer_changes AS
SELECT c.customer_id, c.email_sha256, c.country, c.signup_at, c.marketing_optin
FROM ods.customers c
WHERE c.dt = '${ds}';

MERGE INTO dwd.dim_customer AS d
USING (
    SELECT ch.customer_id AS merge_key, ch.* FROM customer_changes ch
    UNION ALL
    -- changed rows once more with a NULL key, so that a new version is inserted
    SELECT NULL AS merge_key, ch.*
    FROM customer_changes ch
    JOIN dwd.dim_customer cur
      ON cur.customer_id = ch.customer_id AND cur.is_current
    WHERE cur.country <> ch.country OR cur.marketing_optin <> ch.marketing_optin
) s
ON d.customer_id = s.merge_key AND d.is_current
WHEN MATCHED AND (d.country <> s.country OR d.marketing_optin <> s.marketing_optin) THEN
  UPDATE SET is_current = false, valid_to = to_date('${ds}')
WHEN NOT MATCHED THEN
  INSERT (customer_id, email_sha256, country, signup_at, marketing_optin, valid_from, valid_to, is_current)
  VALUES (s.customer_id, s.email_sha256, s.country, s.signup_at, s.marketing_optin, to_date('${ds}'), NULL, true);
