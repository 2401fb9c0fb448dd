-- Customers: contact data is hashed here; nothing downstream sees raw e-mail.
CREATE TABLE IF NOT EXISTS ods.customers (
    customer_id     BIGINT,
    email_sha256    STRING,
    country         STRING,
    signup_at       TIMESTAMP,
    marketing_optin BOOLEAN
)
PARTITIONED BY (dt STRING)
STORED AS ORC;

INSERT OVERWRITE TABLE ods.customers PARTITION (dt = '${ds}')
SELECT
    c.customer_id,
    sha2(lower(trim(c.email)), 256) AS email_sha256,
    upper(c.country_code)           AS country,
    from_unixtime(c.signup_ts)      AS signup_at,
    nvl(p.optin, false)             AS marketing_optin
FROM raw.shop_customers c
LEFT JOIN raw.shop_marketing_prefs p
    ON p.customer_id = c.customer_id AND p.dt = c.dt
WHERE c.dt = '${ds}';
