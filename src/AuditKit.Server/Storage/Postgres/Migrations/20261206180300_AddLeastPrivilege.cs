using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddLeastPrivilege : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "retention_cuts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    tenant_id = table.Column<string>(type: "text", nullable: false),
                    cut_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    cut_before = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    deleted_events = table.Column<long>(type: "bigint", nullable: false),
                    last_seq = table.Column<long>(type: "bigint", nullable: true),
                    last_hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    performed_by = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_retention_cuts", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_retention_cuts_tenant",
                table: "retention_cuts",
                columns: new[] { "tenant_id", "id" });

            // The runtime role's only way to delete events: it deletes and records the cut in one transaction, with the
            // privileges of the role that migrates (its owner). EXECUTE is granted to the runtime role at start-up.
            migrationBuilder.Sql(RetentionCutSql.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(RetentionCutSql.Drop);

            migrationBuilder.DropTable(
                name: "retention_cuts");
        }
    }
}
