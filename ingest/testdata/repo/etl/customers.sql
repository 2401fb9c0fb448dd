INSERT OVERWRITE TABLE stg.customers SELECT id, name FROM raw.customers;
