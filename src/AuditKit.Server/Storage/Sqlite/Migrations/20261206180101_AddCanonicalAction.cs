using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddCanonicalAction : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_events_deletes_exports_user",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_failed_logins_ip",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_failed_logins_user",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_grants_resource",
                table: "audit_events");

            migrationBuilder.AddColumn<string>(
                name: "action_canonical",
                table: "audit_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_action_canonical_pending",
                table: "audit_events",
                columns: new[] { "tenant_id", "action" },
                filter: "action_canonical IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_deletes_exports_user",
                table: "audit_events",
                columns: new[] { "tenant_id", "user_id", "action_canonical", "timestamp" },
                filter: "action_canonical IN ('DELETE', 'EXPORT')");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_failed_logins_ip",
                table: "audit_events",
                columns: new[] { "tenant_id", "ip_address", "timestamp" },
                filter: "action_canonical = 'LOGIN_FAILED' OR (action_canonical = 'LOGIN' AND status = 1)");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_failed_logins_user",
                table: "audit_events",
                columns: new[] { "tenant_id", "user_id", "timestamp" },
                filter: "action_canonical = 'LOGIN_FAILED' OR (action_canonical = 'LOGIN' AND status = 1)");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_grants_resource",
                table: "audit_events",
                columns: new[] { "tenant_id", "resource_id", "timestamp" },
                filter: "action_canonical IN ('ROLE_ASSIGN', 'PERMISSION_GRANT')");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_action_canonical_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "action_canonical", "timestamp", "id" },
                descending: new[] { false, false, true, true });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_events_action_canonical_pending",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_deletes_exports_user",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_failed_logins_ip",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_failed_logins_user",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_grants_resource",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_action_canonical_timestamp",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "action_canonical",
                table: "audit_events");

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
        }
    }
}
