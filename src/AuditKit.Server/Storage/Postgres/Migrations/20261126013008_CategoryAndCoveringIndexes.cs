using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CategoryAndCoveringIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_timestamp",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_user_timestamp",
                table: "audit_events");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_category_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "category", "timestamp", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "timestamp", "id" },
                descending: new[] { false, true, true })
                .Annotation("Npgsql:IndexInclude", new[] { "action", "severity", "status", "service_name", "user_id", "ip_address" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_user_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "user_id", "timestamp", "id" },
                descending: new[] { false, false, true, true })
                .Annotation("Npgsql:IndexInclude", new[] { "ip_address" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_category_timestamp",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_timestamp",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_user_timestamp",
                table: "audit_events");

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
        }
    }
}
