using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddRowLevelSecurity : Migration
    {
        // Every table with a tenant_id column at this migration; a later one that adds such a table enables it itself.
        private static readonly string[] s_tenantTables =
        [
            "audit_events",
            "audit_event_hourly",
            "audit_chain_heads",
            "integrity_checkpoints",
            "retention_cuts",
            "api_keys",
            "detection_outbox",
            "detection_user_ips",
            "detection_user_days",
            "detection_user_minutes",
            "alerts",
            "webhooks",
            "webhook_deliveries",
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The second tenant wall: the runtime role sees and writes only the rows of the tenant its connection was
            // opened for (app.tenant_id), or every row for the named cross-tenant work (app.scope = 'system'). The owner
            // (which migrates and owns the retention and erasure functions) is not bound: the tables are not FORCEd.
            foreach (var table in s_tenantTables)
            {
                migrationBuilder.Sql(RowLevelSecurity.Enable(table));
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in s_tenantTables)
            {
                migrationBuilder.Sql(RowLevelSecurity.Disable(table));
            }
        }
    }
}
