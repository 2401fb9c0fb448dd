-- dialect: hive
-- Explode JSON arrays of tags; Hive types and table options in the DDL.
CREATE TABLE IF NOT EXISTS mart.item_tags (
  item_id BIGINT COMMENT "item key",
  tag STRING,
  attrs MAP<STRING, STRING>,
  history ARRAY<STRUCT<ts: BIGINT, tag: STRING>>
)
COMMENT "one row per item and tag"
PARTITIONED BY (dt STRING)
CLUSTERED BY (item_id) SORTED BY (item_id) INTO 32 BUCKETS
ROW FORMAT DELIMITED FIELDS TERMINATED BY '\t'
STORED AS ORC
LOCATION 'hdfs:///warehouse/mart/item_tags'
TBLPROPERTIES ('orc.compress'='SNAPPY');

INSERT OVERWRITE TABLE mart.item_tags PARTITION (dt='2024-01-01')
SELECT i.item_id, t.tag, i.attrs, NULL
FROM raw.items i
LATERAL VIEW OUTER explode(split(i.tags, ',')) t AS tag
LATERAL VIEW json_tuple(i.payload, 'a', 'b') j AS a, b
WHERE i.dt = '2024-01-01'
SORT BY i.item_id;
