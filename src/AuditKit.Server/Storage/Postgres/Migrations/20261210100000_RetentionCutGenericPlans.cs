using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <summary>
    /// Replaces the body of <c>auditkit_retention_cut</c> (<see cref="RetentionCutSql"/>): its statements are planned
    /// for any tenant, so a tenant the statistics do not know yet no longer reads all its rows per call; the picked ids
    /// are deleted by primary key. Same rows, same bookkeeping; PostgreSQL only, hand-written: the model is unchanged.
    /// </summary>
    [DbContext(typeof(PostgresAuditDbContext))]
    [Migration("20261210100000_RetentionCutGenericPlans")]
    public partial class RetentionCutGenericPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(RetentionCutSql.Replace);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The new body deletes exactly the rows the old one did: there is nothing to undo.
        }
    }
}
