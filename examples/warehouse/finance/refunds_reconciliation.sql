-- Payments the PSP refunded that the shop has no refund for, and the reverse.
MERGE INTO finance.refund_exceptions AS x
USING (
    SELECT coalesce(p.order_id, o.order_id)        AS order_id,
           coalesce(p.refunded, 0)                 AS psp_refunded_eur,
           coalesce(o.refunded_eur, 0)             AS shop_refunded_eur
    FROM (
        SELECT order_id, sum(amount) AS refunded
        FROM dwd.fact_payments
        WHERE status IN ('refunded', 'chargeback') AND dt = DATE '${ds}'
        GROUP BY order_id
    ) p
    FULL OUTER JOIN dwd.fact_orders o
      ON o.order_id = p.order_id AND o.dt = DATE '${ds}'
    WHERE coalesce(p.refunded, 0) <> coalesce(o.refunded_eur, 0)
) s
ON x.order_id = s.order_id
WHEN MATCHED THEN
  UPDATE SET psp_refunded_eur = s.psp_refunded_eur, shop_refunded_eur = s.shop_refunded_eur, seen_on = DATE '${ds}'
WHEN NOT MATCHED THEN
  INSERT (order_id, psp_refunded_eur, shop_refunded_eur, seen_on)
  VALUES (s.order_id, s.psp_refunded_eur, s.shop_refunded_eur, DATE '${ds}');
