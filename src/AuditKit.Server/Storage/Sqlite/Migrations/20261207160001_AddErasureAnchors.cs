using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddErasureAnchors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "erasure_anchors",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    erasure_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    seq = table.Column<long>(type: "INTEGER", nullable: false),
                    original_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    rewritten_hash = table.Column<byte[]>(type: "BLOB", nullable: true),
                    erased_at = table.Column<long>(type: "INTEGER", nullable: false),
                    signed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    key_id = table.Column<string>(type: "TEXT", nullable: true),
                    signature = table.Column<byte[]>(type: "BLOB", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_erasure_anchors", x => new { x.tenant_id, x.seq, x.erasure_id });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "erasure_anchors");
        }
    }
}
