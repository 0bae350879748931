using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    rule = table.Column<string>(type: "TEXT", nullable: false),
                    key_type = table.Column<string>(type: "TEXT", nullable: false),
                    key_value = table.Column<string>(type: "TEXT", nullable: false),
                    severity = table.Column<short>(type: "INTEGER", nullable: false),
                    status = table.Column<short>(type: "INTEGER", nullable: false),
                    first_seen = table.Column<long>(type: "INTEGER", nullable: false),
                    last_seen = table.Column<long>(type: "INTEGER", nullable: false),
                    event_count = table.Column<long>(type: "INTEGER", nullable: false),
                    evidence = table.Column<string>(type: "TEXT", nullable: false),
                    details = table.Column<string>(type: "TEXT", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    acknowledged_at = table.Column<long>(type: "INTEGER", nullable: true),
                    acknowledged_by = table.Column<string>(type: "TEXT", nullable: true),
                    acknowledged_note = table.Column<string>(type: "TEXT", nullable: true),
                    resolved_at = table.Column<long>(type: "INTEGER", nullable: true),
                    resolved_by = table.Column<string>(type: "TEXT", nullable: true),
                    resolved_note = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_alerts", x => new { x.tenant_id, x.id });
                });

            migrationBuilder.CreateTable(
                name: "audit_event_hourly",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    hour = table.Column<long>(type: "INTEGER", nullable: false),
                    action = table.Column<string>(type: "TEXT", nullable: false),
                    severity = table.Column<short>(type: "INTEGER", nullable: false),
                    status = table.Column<short>(type: "INTEGER", nullable: false),
                    service_name = table.Column<string>(type: "TEXT", nullable: true),
                    event_count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                });

            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    received_at = table.Column<long>(type: "INTEGER", nullable: false),
                    source = table.Column<string>(type: "TEXT", nullable: false),
                    action = table.Column<string>(type: "TEXT", nullable: false),
                    category = table.Column<string>(type: "TEXT", nullable: true),
                    resource_type = table.Column<string>(type: "TEXT", nullable: true),
                    resource_id = table.Column<string>(type: "TEXT", nullable: true),
                    resource_name = table.Column<string>(type: "TEXT", nullable: true),
                    user_id = table.Column<string>(type: "TEXT", nullable: true),
                    username = table.Column<string>(type: "TEXT", nullable: true),
                    user_email = table.Column<string>(type: "TEXT", nullable: true),
                    status = table.Column<short>(type: "INTEGER", nullable: false),
                    severity = table.Column<short>(type: "INTEGER", nullable: false),
                    service_name = table.Column<string>(type: "TEXT", nullable: true),
                    service_version = table.Column<string>(type: "TEXT", nullable: true),
                    method = table.Column<string>(type: "TEXT", nullable: true),
                    path = table.Column<string>(type: "TEXT", nullable: true),
                    route = table.Column<string>(type: "TEXT", nullable: true),
                    query = table.Column<string>(type: "TEXT", nullable: true),
                    status_code = table.Column<int>(type: "INTEGER", nullable: true),
                    duration_ms = table.Column<double>(type: "REAL", nullable: true),
                    ip_address = table.Column<string>(type: "TEXT", nullable: true),
                    user_agent = table.Column<string>(type: "TEXT", nullable: true),
                    request_id = table.Column<string>(type: "TEXT", nullable: true),
                    trace_id = table.Column<string>(type: "TEXT", nullable: true),
                    session_id = table.Column<string>(type: "TEXT", nullable: true),
                    description = table.Column<string>(type: "TEXT", nullable: true),
                    error_code = table.Column<string>(type: "TEXT", nullable: true),
                    error_message = table.Column<string>(type: "TEXT", nullable: true),
                    changes = table.Column<string>(type: "TEXT", nullable: true),
                    old_values = table.Column<string>(type: "TEXT", nullable: true),
                    new_values = table.Column<string>(type: "TEXT", nullable: true),
                    metadata = table.Column<string>(type: "TEXT", nullable: true),
                    tags = table.Column<string>(type: "TEXT", nullable: true),
                    data_classification = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_events", x => new { x.tenant_id, x.id });
                });

            migrationBuilder.CreateTable(
                name: "detection_outbox",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    event_count = table.Column<int>(type: "INTEGER", nullable: false),
                    event_ids = table.Column<byte[]>(type: "BLOB", nullable: false),
                    claimed_until = table.Column<long>(type: "INTEGER", nullable: true),
                    // The default is the one the column had when it was added to stored batches; kept so every database has one schema.
                    attempts = table.Column<int>(type: "INTEGER", nullable: false, defaultValue: 0)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_detection_outbox", x => new { x.tenant_id, x.id });
                });

            migrationBuilder.CreateTable(
                name: "detection_user_days",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    day = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_detection_user_days", x => new { x.tenant_id, x.user_id, x.day });
                });

            migrationBuilder.CreateTable(
                name: "detection_user_ips",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    ip_address = table.Column<string>(type: "TEXT", nullable: false),
                    first_seen = table.Column<long>(type: "INTEGER", nullable: false),
                    first_event_id = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_detection_user_ips", x => new { x.tenant_id, x.user_id, x.ip_address });
                });

            migrationBuilder.CreateTable(
                name: "detection_user_minutes",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    minute = table.Column<long>(type: "INTEGER", nullable: false),
                    event_count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_detection_user_minutes", x => new { x.tenant_id, x.user_id, x.minute });
                });

            migrationBuilder.CreateTable(
                name: "tenants",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tenants", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_deliveries",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    webhook_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    alert_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    url = table.Column<string>(type: "TEXT", nullable: false),
                    status = table.Column<short>(type: "INTEGER", nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: false),
                    claimed_until = table.Column<long>(type: "INTEGER", nullable: true),
                    completed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    response_status = table.Column<int>(type: "INTEGER", nullable: true),
                    error = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_deliveries", x => new { x.tenant_id, x.id });
                });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    role = table.Column<string>(type: "TEXT", nullable: false),
                    key_hash = table.Column<string>(type: "TEXT", nullable: false),
                    prefix = table.Column<string>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    revoked_at = table.Column<long>(type: "INTEGER", nullable: true),
                    allowed_tenants = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                    table.ForeignKey(
                        name: "fk_api_keys_tenants",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "webhooks",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    url = table.Column<string>(type: "TEXT", nullable: false),
                    secret_ciphertext = table.Column<string>(type: "TEXT", nullable: false),
                    minimum_severity = table.Column<short>(type: "INTEGER", nullable: false),
                    description = table.Column<string>(type: "TEXT", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhooks", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_webhooks_tenants",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_alerts_tenant_last_seen",
                table: "alerts",
                columns: new[] { "tenant_id", "last_seen", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_alerts_tenant_status_last_seen",
                table: "alerts",
                columns: new[] { "tenant_id", "status", "last_seen", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ux_alerts_unresolved_rule_key",
                table: "alerts",
                columns: new[] { "tenant_id", "rule", "key_type", "key_value" },
                unique: true,
                filter: "status < 2");

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_tenant",
                table: "api_keys",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "ux_api_keys_key_hash",
                table: "api_keys",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_audit_event_hourly",
                table: "audit_event_hourly",
                columns: new[] { "tenant_id", "hour", "action", "severity", "status", "service_name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_critical",
                table: "audit_events",
                columns: new[] { "tenant_id", "timestamp" },
                filter: "severity = 3");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_deletes_exports_user",
                table: "audit_events",
                columns: new[] { "tenant_id", "user_id", "action", "timestamp" },
                filter: "action IN ('DELETE', 'EXPORT')");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_failed_logins_ip",
                table: "audit_events",
                columns: new[] { "tenant_id", "ip_address", "timestamp" },
                filter: "action = 'LOGIN_FAILED' OR (action = 'LOGIN' AND status = 1)");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_failed_logins_user",
                table: "audit_events",
                columns: new[] { "tenant_id", "user_id", "timestamp" },
                filter: "action = 'LOGIN_FAILED' OR (action = 'LOGIN' AND status = 1)");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_grants_resource",
                table: "audit_events",
                columns: new[] { "tenant_id", "resource_id", "timestamp" },
                filter: "action IN ('ROLE_ASSIGN', 'PERMISSION_GRANT')");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_high_user",
                table: "audit_events",
                columns: new[] { "tenant_id", "user_id", "timestamp" },
                filter: "severity >= 2");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_action_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "action", "timestamp", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_category_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "category", "timestamp", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_ip_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "ip_address", "timestamp", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_resource_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "resource_type", "resource_id", "timestamp", "id" },
                descending: new[] { false, false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_severity_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "severity", "timestamp", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "timestamp", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_user_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "user_id", "timestamp", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_pending",
                table: "webhook_deliveries",
                columns: new[] { "tenant_id", "next_attempt_at" },
                filter: "status = 0");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_tenant_webhook_created",
                table: "webhook_deliveries",
                columns: new[] { "tenant_id", "webhook_id", "created_at", "id" },
                descending: new[] { false, false, true, true });

            // Full-text search: an FTS5 index over the text fields whose content stays in audit_events (no second
            // copy of the text), kept in sync by triggers. Diacritics are kept so matching is word for word the
            // same as PostgreSQL's 'simple' configuration.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE audit_events_fts USING fts5(
                    description, resource_name, error_message, path,
                    content='audit_events', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_events_fts_insert AFTER INSERT ON audit_events BEGIN
                    INSERT INTO audit_events_fts(rowid, description, resource_name, error_message, path)
                    VALUES (new.rowid, new.description, new.resource_name, new.error_message, new.path);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_events_fts_delete AFTER DELETE ON audit_events BEGIN
                    INSERT INTO audit_events_fts(audit_events_fts, rowid, description, resource_name, error_message, path)
                    VALUES ('delete', old.rowid, old.description, old.resource_name, old.error_message, old.path);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_events_fts_update AFTER UPDATE ON audit_events BEGIN
                    INSERT INTO audit_events_fts(audit_events_fts, rowid, description, resource_name, error_message, path)
                    VALUES ('delete', old.rowid, old.description, old.resource_name, old.error_message, old.path);
                    INSERT INTO audit_events_fts(rowid, description, resource_name, error_message, path)
                    VALUES (new.rowid, new.description, new.resource_name, new.error_message, new.path);
                END;
                """);

            // Row triggers keep the rollup: an INSERT skipped by ON CONFLICT DO NOTHING fires nothing, a DELETE
            // (retention, a tenant's removal) subtracts. Hours are whole UTC hours of the stored microseconds. A
            // NULL service is looked up with IS (a unique index does not match NULLs); SQLite has one writer at a
            // time, so the insert-if-missing cannot race.
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_events_hourly_insert AFTER INSERT ON audit_events BEGIN
                    INSERT INTO audit_event_hourly (tenant_id, hour, action, severity, status, service_name, event_count)
                    SELECT new.tenant_id, new."timestamp" / 3600000000 * 3600000000, new.action, new.severity, new.status, new.service_name, 0
                    WHERE NOT EXISTS (SELECT 1 FROM audit_event_hourly WHERE tenant_id = new.tenant_id AND hour = new."timestamp" / 3600000000 * 3600000000 AND action = new.action AND severity = new.severity AND status = new.status AND service_name IS new.service_name);
                    UPDATE audit_event_hourly SET event_count = event_count + 1
                    WHERE tenant_id = new.tenant_id AND hour = new."timestamp" / 3600000000 * 3600000000 AND action = new.action AND severity = new.severity AND status = new.status AND service_name IS new.service_name;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_events_hourly_delete AFTER DELETE ON audit_events BEGIN
                    UPDATE audit_event_hourly SET event_count = event_count - 1
                    WHERE tenant_id = old.tenant_id AND hour = old."timestamp" / 3600000000 * 3600000000 AND action = old.action AND severity = old.severity AND status = old.status AND service_name IS old.service_name;
                    DELETE FROM audit_event_hourly
                    WHERE tenant_id = old.tenant_id AND hour = old."timestamp" / 3600000000 * 3600000000 AND action = old.action AND severity = old.severity AND status = old.status AND service_name IS old.service_name AND event_count = 0;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_events_hourly_update
                AFTER UPDATE OF tenant_id, "timestamp", action, severity, status, service_name ON audit_events BEGIN
                    UPDATE audit_event_hourly SET event_count = event_count - 1
                    WHERE tenant_id = old.tenant_id AND hour = old."timestamp" / 3600000000 * 3600000000 AND action = old.action AND severity = old.severity AND status = old.status AND service_name IS old.service_name;
                    DELETE FROM audit_event_hourly
                    WHERE tenant_id = old.tenant_id AND hour = old."timestamp" / 3600000000 * 3600000000 AND action = old.action AND severity = old.severity AND status = old.status AND service_name IS old.service_name AND event_count = 0;
                    INSERT INTO audit_event_hourly (tenant_id, hour, action, severity, status, service_name, event_count)
                    SELECT new.tenant_id, new."timestamp" / 3600000000 * 3600000000, new.action, new.severity, new.status, new.service_name, 0
                    WHERE NOT EXISTS (SELECT 1 FROM audit_event_hourly WHERE tenant_id = new.tenant_id AND hour = new."timestamp" / 3600000000 * 3600000000 AND action = new.action AND severity = new.severity AND status = new.status AND service_name IS new.service_name);
                    UPDATE audit_event_hourly SET event_count = event_count + 1
                    WHERE tenant_id = new.tenant_id AND hour = new."timestamp" / 3600000000 * 3600000000 AND action = new.action AND severity = new.severity AND status = new.status AND service_name IS new.service_name;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_events_hourly_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_events_hourly_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_events_hourly_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_events_fts_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_events_fts_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_events_fts_insert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS audit_events_fts;");

            migrationBuilder.DropTable(
                name: "alerts");

            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "audit_event_hourly");

            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "detection_outbox");

            migrationBuilder.DropTable(
                name: "detection_user_days");

            migrationBuilder.DropTable(
                name: "detection_user_ips");

            migrationBuilder.DropTable(
                name: "detection_user_minutes");

            migrationBuilder.DropTable(
                name: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "webhooks");

            migrationBuilder.DropTable(
                name: "tenants");
        }
    }
}
