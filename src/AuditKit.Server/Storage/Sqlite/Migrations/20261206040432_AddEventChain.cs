using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditKit.Server.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddEventChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "hash",
                table: "audit_events",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "personal_digests",
                table: "audit_events",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "salt",
                table: "audit_events",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "seq",
                table: "audit_events",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "audit_chain_heads",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    seq = table.Column<long>(type: "INTEGER", nullable: false),
                    hash = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_chain_heads", x => x.tenant_id);
                });

            // Events stored before the chain existed are numbered 1..n per tenant in (received_at, id) order and keep no
            // hash; the head starts after them at 32 zero bytes, so the first chained event links to the genesis hash
            // (docs/integrity.md, "Events stored before the chain").
            migrationBuilder.Sql(
                "UPDATE audit_events SET seq = n.seq FROM (SELECT tenant_id, id, row_number() OVER (PARTITION BY tenant_id ORDER BY received_at, id) AS seq FROM audit_events) AS n WHERE audit_events.tenant_id = n.tenant_id AND audit_events.id = n.id;");
            migrationBuilder.Sql(
                "INSERT INTO audit_chain_heads (tenant_id, seq, hash) SELECT tenant_id, max(seq), zeroblob(32) FROM audit_events GROUP BY tenant_id;");

            migrationBuilder.CreateIndex(
                name: "ux_audit_events_tenant_seq",
                table: "audit_events",
                columns: new[] { "tenant_id", "seq" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_chain_heads");

            migrationBuilder.DropIndex(
                name: "ux_audit_events_tenant_seq",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "hash",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "personal_digests",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "salt",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "seq",
                table: "audit_events");
        }
    }
}
