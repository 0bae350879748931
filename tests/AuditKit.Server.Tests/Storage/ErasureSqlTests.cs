namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// The SQL of PostgreSQL's erasure functions is built from <see cref="ErasedFields"/>, the list SQLite's erasure follows.
/// A database keeps the function its migration created, so the built text is pinned to what the migrations
/// <c>AddErasure</c> and <c>AddErasureAnchors</c> created: a change to the fields or the SQL fails here until it comes
/// with a migration that replaces the function (and a new pin).
/// </summary>
public sealed class ErasureSqlTests
{
    [Fact]
    public void The_subject_function_is_the_one_AddErasure_created() =>
        Sha256(ErasureSql.Create).ShouldBe("770452b71980be2c1a1fca9b76e28851452c71c3b30bdaf11c5199aa451534c4");

    [Fact]
    public void The_json_function_is_the_one_AddErasureAnchors_created() =>
        Sha256(ErasureJsonSql.Create).ShouldBe("c2b9a7643c3fb3872ee5290668b81a16954a9b52ebe4fac345b07dd28c0dac85");

    [Fact]
    public void Every_personal_field_of_the_canonical_form_is_erased_by_the_function()
    {
        var personal = AuditEventCanonicalForm.Fields.Where(static f => f.Kind == "personal").ToList();

        personal.Count.ShouldBe(5);
        foreach (var field in personal)
        {
            ErasureSql.Create.ShouldContain($"int2send({field.Id}::smallint) || convert_to({field.Name}, 'UTF8')");
            ErasureSql.Create.ShouldContain($"{field.Name} = NULL");
        }
    }

    private static string Sha256(string sql) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
}
