using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddIntegrityCheckpoints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "integrity_checkpoints",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "text", nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    signed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    key_id = table.Column<string>(type: "text", nullable: false),
                    signature = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_integrity_checkpoints", x => new { x.tenant_id, x.seq, x.kind });
                });

            migrationBuilder.CreateIndex(
                name: "ux_integrity_checkpoints_head",
                table: "integrity_checkpoints",
                columns: new[] { "tenant_id", "seq" },
                unique: true,
                filter: "kind <> 'anchor'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "integrity_checkpoints");
        }
    }
}
