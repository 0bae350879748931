using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Postgres.Migrations
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
                    tenant_id = table.Column<string>(type: "text", nullable: false),
                    erasure_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    original_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    rewritten_hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    erased_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    signed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    key_id = table.Column<string>(type: "text", nullable: true),
                    signature = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_erasure_anchors", x => new { x.tenant_id, x.seq, x.erasure_id });
                });

            // Behind the tenant wall like every table with a tenant_id; written by the erasure function (its owner's
            // privileges) and signed by the runtime role (UPDATE granted at start-up).
            migrationBuilder.Sql(RowLevelSecurity.Enable("erasure_anchors"));

            // The runtime role's only way to rewrite the JSON fields of events: every string value naming the subject
            // becomes "[erased]", and each rewritten event gets an anchor row in the same statement. EXECUTE is granted
            // at start-up.
            migrationBuilder.Sql(ErasureJsonSql.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ErasureJsonSql.Drop);
            migrationBuilder.Sql(RowLevelSecurity.Disable("erasure_anchors"));

            migrationBuilder.DropTable(
                name: "erasure_anchors");
        }
    }
}
