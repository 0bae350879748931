using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Sqlite.Migrations
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
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    seq = table.Column<long>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    signed_at = table.Column<long>(type: "INTEGER", nullable: false),
                    key_id = table.Column<string>(type: "TEXT", nullable: false),
                    signature = table.Column<byte[]>(type: "BLOB", nullable: false)
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
