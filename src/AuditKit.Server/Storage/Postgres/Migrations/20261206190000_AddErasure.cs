using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddErasure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The runtime role's only way to erase a person's values: it keeps their digests and writes no other
            // column, with the privileges of the role that migrates (its owner). EXECUTE is granted at start-up.
            migrationBuilder.Sql(ErasureSql.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ErasureSql.Drop);
        }
    }
}
