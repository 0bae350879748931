using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <summary>
    /// Adds <c>auditkit_event_partition_analyze</c> (<see cref="PartitionStatisticsSql"/>), through which the runtime
    /// role has a partition analyzed when tenants new to its statistics write there. PostgreSQL only, hand-written: the
    /// model is unchanged.
    /// </summary>
    [DbContext(typeof(PostgresAuditDbContext))]
    [Migration("20261210100100_PartitionStatistics")]
    public partial class PartitionStatistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(PartitionStatisticsSql.Create);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(PartitionStatisticsSql.Drop);
    }
}
