INSERT OVERWRITE TABLE stg.orders PARTITION (dt = '${ds}')
SELECT order_id, amount FROM raw.orders WHERE dt = '${ds}';
