using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
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
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    hour = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    action = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    severity = table.Column<short>(type: "smallint", nullable: false),
                    status = table.Column<short>(type: "smallint", nullable: false),
                    service_name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    event_count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                });

            migrationBuilder.CreateIndex(
                name: "ux_audit_event_hourly",
                table: "audit_event_hourly",
                columns: new[] { "tenant_id", "hour", "action", "severity", "status", "service_name" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            // One statement-level trigger function keeps the rollup for every writer: it sees exactly the rows a
            // statement inserted (a row skipped by ON CONFLICT DO NOTHING is not in the transition table), deleted or
            // changed. Rows are upserted in key order, so concurrent batches lock shared rows in the same order and
            // wait for each other instead of deadlocking. Rows that reach zero are removed.
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_event_hourly_count() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO audit_event_hourly AS h (tenant_id, hour, action, severity, status, service_name, event_count)
                        SELECT tenant_id, date_trunc('hour', "timestamp", 'UTC'), action, severity, status, service_name, count(*)
                        FROM inserted_events
                        GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
                        ON CONFLICT (tenant_id, hour, action, severity, status, service_name)
                        DO UPDATE SET event_count = h.event_count + excluded.event_count;
                        RETURN NULL;
                    END IF;

                    IF TG_OP = 'DELETE' THEN
                        INSERT INTO audit_event_hourly AS h (tenant_id, hour, action, severity, status, service_name, event_count)
                        SELECT tenant_id, date_trunc('hour', "timestamp", 'UTC'), action, severity, status, service_name, -count(*)
                        FROM deleted_events
                        GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
                        ON CONFLICT (tenant_id, hour, action, severity, status, service_name)
                        DO UPDATE SET event_count = h.event_count + excluded.event_count;
                    ELSE
                        INSERT INTO audit_event_hourly AS h (tenant_id, hour, action, severity, status, service_name, event_count)
                        SELECT tenant_id, hour, action, severity, status, service_name, sum(n)
                        FROM (
                            SELECT tenant_id, date_trunc('hour', "timestamp", 'UTC') AS hour, action, severity, status, service_name, 1 AS n
                            FROM inserted_events
                            UNION ALL
                            SELECT tenant_id, date_trunc('hour', "timestamp", 'UTC'), action, severity, status, service_name, -1
                            FROM deleted_events) d
                        GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
                        ON CONFLICT (tenant_id, hour, action, severity, status, service_name)
                        DO UPDATE SET event_count = h.event_count + excluded.event_count;
                    END IF;

                    -- Only rows this transaction brought to zero match: another's uncommitted decrement is not seen.
                    DELETE FROM audit_event_hourly h
                    USING (SELECT DISTINCT tenant_id, date_trunc('hour', "timestamp", 'UTC') AS hour FROM deleted_events) d
                    WHERE h.tenant_id = d.tenant_id AND h.hour = d.hour AND h.event_count = 0;
                    RETURN NULL;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_event_hourly_clear() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    TRUNCATE audit_event_hourly;
                    RETURN NULL;
                END $$;
                """);

            // Creating the triggers locks audit_events against writes until this migration commits, so the back-fill
            // below counts every event stored before and the triggers every event stored after: none is missed or
            // counted twice, even with an older server still ingesting during the upgrade.
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_events_hourly_insert AFTER INSERT ON audit_events
                    REFERENCING NEW TABLE AS inserted_events
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_hourly_count();
                CREATE TRIGGER audit_events_hourly_delete AFTER DELETE ON audit_events
                    REFERENCING OLD TABLE AS deleted_events
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_hourly_count();
                CREATE TRIGGER audit_events_hourly_update AFTER UPDATE ON audit_events
                    REFERENCING OLD TABLE AS deleted_events NEW TABLE AS inserted_events
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_hourly_count();
                CREATE TRIGGER audit_events_hourly_truncate AFTER TRUNCATE ON audit_events
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_hourly_clear();
                """);
            migrationBuilder.Sql("""
                INSERT INTO audit_event_hourly (tenant_id, hour, action, severity, status, service_name, event_count)
                SELECT tenant_id, date_trunc('hour', "timestamp", 'UTC'), action, severity, status, service_name, count(*)
                FROM audit_events
                GROUP BY 1, 2, 3, 4, 5, 6;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS audit_events_hourly_truncate ON audit_events;
                DROP TRIGGER IF EXISTS audit_events_hourly_update ON audit_events;
                DROP TRIGGER IF EXISTS audit_events_hourly_delete ON audit_events;
                DROP TRIGGER IF EXISTS audit_events_hourly_insert ON audit_events;
                DROP FUNCTION IF EXISTS audit_event_hourly_clear();
                DROP FUNCTION IF EXISTS audit_event_hourly_count();
                """);
            migrationBuilder.DropTable(
                name: "audit_event_hourly");
        }
    }
}
