-- Distributes a migrated AuditKit database over a Citus cluster, by tenant.
--
-- Run once on the coordinator, as the owner role, after the server has migrated the (empty or populated) database
-- and after deploy/citus/check-schema.sql printed no rows:
--   psql "$OWNER_CONNECTION_STRING" -v ON_ERROR_STOP=1 -f deploy/citus/distribute.sql
-- See docs/scaling.md ("Beyond one PostgreSQL: Citus") for what changes and what to check afterwards.

-- The hourly rollup is maintained by row triggers on audit_events; triggers on distributed tables run on the
-- worker's shard, where the colocated rollup shard of the same tenant lives.
SET citus.enable_unsafe_triggers = on;

-- Reference tables: small, read across tenants (an API key is looked up by its hash before its tenant is known),
-- replicated to every node.
SELECT create_reference_table('tenants');
SELECT create_reference_table('api_keys');
SELECT create_reference_table('api_key_set_version');
SELECT create_reference_table('console_users');

-- Distributed tables: every one by tenant_id, all colocated with audit_events, so that a tenant's events, chain
-- head, checkpoints, rollup, detection state, alerts and webhooks live on one shard and every statement the server
-- runs (each names one tenant) is routed to one node.
SELECT create_distributed_table('audit_events', 'tenant_id');
SELECT create_distributed_table('audit_chain_heads', 'tenant_id', colocate_with => 'audit_events');
SELECT create_distributed_table('integrity_checkpoints', 'tenant_id', colocate_with => 'audit_events');
SELECT create_distributed_table('retention_cuts', 'tenant_id', colocate_with => 'audit_events');
SELECT create_distributed_table('erasure_anchors', 'tenant_id', colocate_with => 'audit_events');
SELECT create_distributed_table('audit_event_hourly', 'tenant_id', colocate_with => 'audit_events');
SELECT create_distributed_table('detection_outbox', 'tenant_id', colocate_with => 'audit_events');
SELECT create_distributed_table('detection_user_days', 'tenant_id', colocate_with => 'audit_events');
SELECT create_distributed_table('detection_user_ips', 'tenant_id', colocate_with => 'audit_events');
SELECT create_distributed_table('detection_user_minutes', 'tenant_id', colocate_with => 'audit_events');
SELECT create_distributed_table('alerts', 'tenant_id', colocate_with => 'audit_events');
SELECT create_distributed_table('webhooks', 'tenant_id', colocate_with => 'audit_events');
SELECT create_distributed_table('webhook_deliveries', 'tenant_id', colocate_with => 'audit_events');
