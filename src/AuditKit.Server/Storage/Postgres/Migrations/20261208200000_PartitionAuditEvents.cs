using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <summary>
    /// Range-partitions <c>audit_events</c> by <c>id</c> (UUIDv7 time bounds, monthly, a default partition for the
    /// rest), moving the stored rows, and adds the functions through which the server makes partitions ahead and
    /// retention drops old ones (<see cref="EventPartitionSql"/>). PostgreSQL only, hand-written: the model is unchanged
    /// but for <c>ux_audit_events_tenant_seq</c>, which on PostgreSQL is now a plain index (a unique index of a
    /// partitioned table must hold the partition key).
    /// </summary>
    [DbContext(typeof(PostgresAuditDbContext))]
    [Migration("20261208200000_PartitionAuditEvents")]
    public partial class PartitionAuditEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(EventPartitionSql.CreateUuidFloor);
            migrationBuilder.Sql(EventPartitionSql.Partition);
            migrationBuilder.Sql(EventPartitionSql.CreateEnsure);
            migrationBuilder.Sql(EventPartitionSql.CreateDrop);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(EventPartitionSql.Unpartition);
            migrationBuilder.Sql(EventPartitionSql.DropFunctions);
        }
    }
}
