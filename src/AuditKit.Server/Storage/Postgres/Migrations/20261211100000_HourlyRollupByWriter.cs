using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <summary>
    /// Replaces the hourly rollup's trigger function with <see cref="HourlyRollupSql.CountFunction"/>: a transaction that
    /// sets <c>auditkit.hourly_rollup</c> to <c>writer</c> counts its own inserts (after its tenant's chain head), every
    /// other insert, and every delete, update and truncation, is counted by the trigger as before. PostgreSQL only,
    /// hand-written: the model is unchanged.
    /// </summary>
    [DbContext(typeof(PostgresAuditDbContext))]
    [Migration("20261211100000_HourlyRollupByWriter")]
    public partial class HourlyRollupByWriter : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(HourlyRollupSql.CountFunction(writerMayCount: true));

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(HourlyRollupSql.CountFunction(writerMayCount: false));
    }
}
