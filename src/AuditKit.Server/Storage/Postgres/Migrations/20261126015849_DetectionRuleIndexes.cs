using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DetectionRuleIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
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
        }
    }
}
