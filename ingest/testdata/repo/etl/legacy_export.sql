INSERT INTO export.customers SELECT * FROM stg.customers;
