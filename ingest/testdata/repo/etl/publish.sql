INSERT INTO pub.orders_daily SELECT * FROM mart.orders_daily;
