using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Sqlite.Migrations
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
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .OldAnnotation("Sqlite:Autoincrement", true);

            migrationBuilder.AddPrimaryKey(
                name: "pk_retention_cuts",
                table: "retention_cuts",
                columns: new[] { "tenant_id", "id" });
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
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .Annotation("Sqlite:Autoincrement", true);

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
