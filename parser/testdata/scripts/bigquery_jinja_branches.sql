-- dialect: bigquery
-- vars: env=prod
-- A bigquery-etl style job: the first run (is_init()) backfills from the
-- history table, later runs read one day; a for loop unions per-app tables;
-- the vars decide the environment branch.
{% set apps = [("firefox_ios", "ios"), ("fenix", "android")] %}
{% if is_init() %}
  CREATE TABLE IF NOT EXISTS `moz-fx-data-shared-prod.telemetry_derived.app_dau_v1`
  PARTITION BY submission_date
  CLUSTER BY app
  AS
  SELECT submission_date, app, dau FROM `moz-fx-data-shared-prod.telemetry_derived.app_dau_history`
{% else %}
  INSERT INTO `moz-fx-data-shared-prod.telemetry_derived.app_dau_v1`
  {% for app, os in apps %}
  SELECT
    @submission_date AS submission_date,
    "{{ app }}" AS app,
    "{{ os }}" AS os,
    COUNT(DISTINCT client_info.client_id) AS dau,
    mozfun.norm.truncate_version(ANY_VALUE(client_info.app_display_version), "major") AS major
  FROM
    `moz-fx-data-shared-prod.{{ app }}.baseline`
  WHERE
    DATE(submission_timestamp) = @submission_date
    {% if env == "prod" %}
      AND sample_id < 100
    {% else %}
      AND sample_id = 0
    {% endif %}
  {% if not loop.last %}
  UNION ALL
  {% endif %}
  {% endfor %}
{% endif %};

SELECT
  k.value AS keyword,
  COUNT(*) AS n
FROM
  `moz-fx-data-shared-prod.search_terms_derived.suggestions` AS t
CROSS JOIN
  t.keywords AS k
WHERE
  {% if is_init() %}
    TRUE
  {% else %}
    DATE(t.ts) = @submission_date
  {% endif %}
GROUP BY keyword
