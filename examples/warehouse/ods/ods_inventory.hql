-- Nightly stock levels per warehouse.
ALTER TABLE ods.inventory_snapshots ADD IF NOT EXISTS PARTITION (dt = '${ds}');

INSERT OVERWRITE TABLE ods.inventory_snapshots PARTITION (dt = '${ds}')
SELECT s.warehouse_id, s.sku, s.on_hand, s.reserved, s.on_hand - s.reserved AS available
FROM raw.wms_stock_levels s
WHERE s.dt = '${ds}';
