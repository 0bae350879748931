using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <summary>
    /// Records whether the stored events keep the id rule (<see cref="EventIdRuleSql"/>), which time-range queries
    /// consult before bounding <c>id</c> to prune partitions. PostgreSQL only, hand-written: the model is unchanged.
    /// </summary>
    [DbContext(typeof(PostgresAuditDbContext))]
    [Migration("20261208200100_EventIdRule")]
    public partial class EventIdRule : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(EventIdRuleSql.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(EventIdRuleSql.Drop);
        }
    }
}
