-- dialect: snowflake
-- schema: {"crm.customers": ["id", "email", "name", "updated_at", "deleted"], "staging.customer_updates": ["id", "email", "name", "op", "changed_at"]}
-- MERGE: ON keys are joins (both sides), WHEN ... AND conditions are
-- filters, UPDATE SET and INSERT (...) VALUES (...) write target columns.
MERGE INTO crm.customers t
USING (SELECT id, email, name, op, changed_at FROM staging.customer_updates WHERE changed_at > '2024-01-01') s
ON t.id = s.id
WHEN MATCHED AND s.op = 'D' THEN DELETE
WHEN MATCHED THEN UPDATE SET t.email = s.email, t.name = coalesce(s.name, t.name), t.updated_at = s.changed_at
WHEN NOT MATCHED THEN INSERT (id, email, name, updated_at) VALUES (s.id, s.email, s.name, s.changed_at);
