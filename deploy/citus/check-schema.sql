-- Checks the AuditKit schema against Citus' rules for distributing tables by tenant_id.
--
-- Run it, as any role that can read the catalog, on a database migrated by the server (no Citus needed):
--   psql "$CONNECTION_STRING" -v ON_ERROR_STOP=1 -f deploy/citus/check-schema.sql
-- It prints one row per violation; no rows means the schema can be distributed with deploy/citus/distribute.sql.
--
-- Every table of the public schema with a tenant_id column is a distributed table (distribution column tenant_id),
-- except the reference tables listed below (small tables read across tenants, replicated to every node).
-- Tables without tenant_id must be reference tables too. The rules (Citus "Table types", "Distributed tables:
-- limitations"):
--   key_not_led_by_tenant     every primary key and unique index of a distributed table leads with tenant_id
--                             (Citus needs the distribution column in them; leading keeps every lookup on one shard)
--   foreign_key_not_colocated a foreign key between distributed tables must include tenant_id on both sides
--   reference_to_distributed  a reference table may not reference a distributed table
--   sequence                  a distributed table may not take values from a sequence or identity (they are
--                             node-local in Citus; per-tenant numbering comes from the chain head instead)
--   unclassified              a table without tenant_id that is not listed as a reference table
WITH reference_tables(name) AS (
    VALUES ('tenants'), ('api_keys'), ('api_key_set_version'), ('console_users'), ('__EFMigrationsHistory')
),
tables AS (
    SELECT c.oid, c.relname AS name,
           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS has_tenant,
           c.relname IN (SELECT name FROM reference_tables) AS is_reference
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
),
distributed AS (
    SELECT oid, name FROM tables WHERE has_tenant AND NOT is_reference
),
unique_keys AS (
    SELECT d.name AS table_name, ic.relname AS index_name, i.indisprimary,
           (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = d.oid AND a.attnum = i.indkey[0]) AS first_column
    FROM distributed d JOIN pg_index i ON i.indrelid = d.oid AND i.indisunique JOIN pg_class ic ON ic.oid = i.indexrelid
),
foreign_keys AS (
    SELECT con.conname, src.name AS source_table, src.is_reference AS source_reference, src.has_tenant AS source_tenant,
           dst.name AS target_table, dst.is_reference AS target_reference, dst.has_tenant AS target_tenant,
           EXISTS (SELECT 1 FROM unnest(con.conkey, con.confkey) AS k(s, t)
                   JOIN pg_attribute sa ON sa.attrelid = con.conrelid AND sa.attnum = k.s
                   JOIN pg_attribute ta ON ta.attrelid = con.confrelid AND ta.attnum = k.t
                   WHERE sa.attname = 'tenant_id' AND ta.attname = 'tenant_id') AS by_tenant
    FROM pg_constraint con
    JOIN tables src ON src.oid = con.conrelid
    JOIN tables dst ON dst.oid = con.confrelid
    WHERE con.contype = 'f'
)
SELECT table_name, 'key_not_led_by_tenant' AS rule, index_name || ' starts with ' || coalesce(first_column, 'an expression') AS detail
FROM unique_keys WHERE first_column IS DISTINCT FROM 'tenant_id'
UNION ALL
SELECT source_table, 'foreign_key_not_colocated', conname || ' -> ' || target_table
FROM foreign_keys
WHERE NOT source_reference AND source_tenant AND NOT target_reference AND target_tenant AND NOT by_tenant
UNION ALL
SELECT source_table, 'reference_to_distributed', conname || ' -> ' || target_table
FROM foreign_keys WHERE (source_reference OR NOT source_tenant) AND NOT target_reference AND target_tenant
UNION ALL
SELECT d.name, 'sequence', a.attname
FROM distributed d JOIN pg_attribute a ON a.attrelid = d.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef ad ON ad.adrelid = d.oid AND ad.adnum = a.attnum
WHERE a.attidentity <> '' OR pg_get_expr(ad.adbin, ad.adrelid) LIKE 'nextval(%'
UNION ALL
SELECT name, 'unclassified', 'no tenant_id column and not a reference table'
FROM tables WHERE NOT has_tenant AND NOT is_reference
ORDER BY 1, 2, 3;
