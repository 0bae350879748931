using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DetectionPartialIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_audit_events_critical",
                table: "audit_events",
                columns: new[] { "tenant_id", "timestamp" },
                filter: "severity = 3");

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_events_critical",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_grants_resource",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_high_user",
                table: "audit_events");
        }
    }
}
