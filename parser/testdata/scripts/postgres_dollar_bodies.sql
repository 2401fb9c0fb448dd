-- dialect: postgres
-- Functions with dollar-quoted bodies, an anonymous block, then ordinary
-- statements: each body's statements are split like the script's.
CREATE OR REPLACE FUNCTION audit.log_order() RETURNS trigger AS $$
BEGIN
  INSERT INTO audit.order_log (order_id, changed_at) VALUES (NEW.order_id, now());
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION reporting.open_orders() RETURNS bigint AS $fn$
  SELECT count(*) FROM sales.orders WHERE status = 'open'
$fn$ LANGUAGE sql STABLE;

DO $$
BEGIN
  DELETE FROM staging.orders_tmp WHERE loaded_at < now() - INTERVAL '7 days';
END
$$;

INSERT INTO reporting.order_json (order_id, customer, first_item)
SELECT o.order_id,
       o.payload->>'customer',
       o.payload #>> '{items,0,sku}'
FROM sales.orders o
WHERE o.payload ? 'items' IS NOT FALSE
  AND o.tags @> ARRAY['priority']
  AND o.email ~* '@example\.com$';
