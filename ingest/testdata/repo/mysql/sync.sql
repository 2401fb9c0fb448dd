REPLACE INTO app.order_totals (dt, amount) SELECT dt, amount FROM mart.orders_daily;
