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
                name: "ix_audit_events_tenant_action_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "action", "timestamp", "id" },
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_events_fts_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_events_fts_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_events_fts_insert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS audit_events_fts;");

            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "tenants");
        }
    }
}
