namespace AuditKit.EfCore.Tests;

public sealed class BulkCommandTextTests
{
    [Theory]
    [InlineData("UPDATE \"Customers\" AS \"c\" SET \"Name\" = @p WHERE \"c\".\"Id\" = 1", null, "Customers")]
    [InlineData("DELETE FROM \"Customers\" AS c WHERE c.\"Id\" = 1", null, "Customers")]
    [InlineData("UPDATE \"audit\".\"Customers\" AS c SET \"Name\" = @p", "audit", "Customers")]
    [InlineData("DELETE FROM [c]\nFROM [dbo].[Customers] AS [c]\nWHERE [c].[Id] = 1", "dbo", "Customers")]
    [InlineData("UPDATE [c]\nSET [c].[Name] = @p\nFROM [Customers] AS [c]", null, "Customers")]
    [InlineData("-- tagged\nDELETE FROM \"Tags\" AS t", null, "Tags")]
    [InlineData("SELECT 1", null, null)]
    public void Finds_the_target_table(string sql, string? schema, string? table)
        => BulkCommandEventFactory.TargetTable(sql).ShouldBe((schema, table));

    [Fact]
    public void Redacts_string_literals_but_keeps_quoted_identifiers()
    {
        var sql = "UPDATE \"Odd'Name\" AS c SET \"Ssn\" = '123-45-6789' WHERE c.\"Name\" = 'O''Brien' AND c.\"Id\" = 42";

        BulkCommandEventFactory.RedactLiterals(sql)
            .ShouldBe("UPDATE \"Odd'Name\" AS c SET \"Ssn\" = '***' WHERE c.\"Name\" = '***' AND c.\"Id\" = 42");
    }

    [Fact]
    public void Bounds_long_SQL()
        => BulkCommandEventFactory.RedactLiterals(new string('x', 10_000)).Length.ShouldBeLessThanOrEqualTo(4100);
}
