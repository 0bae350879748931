using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <summary>
    /// The tenant's time, category, action, canonical action and severity indexes made ascending (see
    /// <see cref="PostgresAuditDbContext"/>): new entries go to the end of their group, so page splits leave full
    /// pages instead of half-empty ones. Lists read them backwards. On the partitioned table each index is dropped and
    /// created on the parent, which builds it on every partition (one pass over each partition per index).
    /// </summary>
    public partial class AscendingTimeOrderedIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_action_canonical_timestamp",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_action_timestamp",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_category_timestamp",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_severity_timestamp",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_timestamp",
                table: "audit_events");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_action_canonical_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "action_canonical", "timestamp", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_action_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "action", "timestamp", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_category_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "category", "timestamp", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_severity_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "severity", "timestamp", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "timestamp", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "action", "severity", "status", "service_name", "user_id", "ip_address" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_action_canonical_timestamp",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_action_timestamp",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_category_timestamp",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_severity_timestamp",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_tenant_timestamp",
                table: "audit_events");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_action_canonical_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "action_canonical", "timestamp", "id" },
                descending: new[] { false, false, true, true });

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
                name: "ix_audit_events_tenant_severity_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "severity", "timestamp", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_tenant_timestamp",
                table: "audit_events",
                columns: new[] { "tenant_id", "timestamp", "id" },
                descending: new[] { false, true, true })
                .Annotation("Npgsql:IndexInclude", new[] { "action", "severity", "status", "service_name", "user_id", "ip_address" });
        }
    }
}
