using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class HourlyRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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

            migrationBuilder.CreateIndex(
                name: "ux_audit_event_hourly",
                table: "audit_event_hourly",
                columns: new[] { "tenant_id", "hour", "action", "severity", "status", "service_name" },
                unique: true);

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
            migrationBuilder.Sql("""
                INSERT INTO audit_event_hourly (tenant_id, hour, action, severity, status, service_name, event_count)
                SELECT tenant_id, "timestamp" / 3600000000 * 3600000000, action, severity, status, service_name, count(*)
                FROM audit_events
                GROUP BY 1, 2, 3, 4, 5, 6;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_events_hourly_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_events_hourly_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_events_hourly_insert;");
            migrationBuilder.DropTable(
                name: "audit_event_hourly");
        }
    }
}
