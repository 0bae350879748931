using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CitusKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_retention_cuts",
                table: "retention_cuts");

            migrationBuilder.DropIndex(
                name: "ix_retention_cuts_tenant",
                table: "retention_cuts");

            migrationBuilder.AlterColumn<long>(
                name: "id",
                table: "retention_cuts",
                type: "bigint",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "bigint")
                .OldAnnotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            migrationBuilder.AddPrimaryKey(
                name: "pk_retention_cuts",
                table: "retention_cuts",
                columns: new[] { "tenant_id", "id" });

            // The retention function now numbers the cut in its tenant (the column has no sequence any more).
            migrationBuilder.Sql(RetentionCutSql.Replace);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_retention_cuts",
                table: "retention_cuts");

            migrationBuilder.AlterColumn<long>(
                name: "id",
                table: "retention_cuts",
                type: "bigint",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "bigint")
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            migrationBuilder.AddPrimaryKey(
                name: "pk_retention_cuts",
                table: "retention_cuts",
                column: "id");

            migrationBuilder.CreateIndex(
                name: "ix_retention_cuts_tenant",
                table: "retention_cuts",
                columns: new[] { "tenant_id", "id" });
        }
    }
}
