using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <summary>
    /// Replaces the body of <c>auditkit_retention_cut</c>: the ids to delete are collected once into an array and joined
    /// by primary key, whatever the planner's statistics say of the table (no model change).
    /// </summary>
    [DbContext(typeof(PostgresAuditDbContext))]
    [Migration("20261207170000_RetentionCutByIdArray")]
    public partial class RetentionCutByIdArray : Migration
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
