namespace AuditKit.Server.Tests.Storage;

/// <summary>How <c>AddAuditStorage</c> reads its configuration (no database is opened).</summary>
public sealed class AuditStorageRegistrationTests
{
    /// <summary>The storage options <paramref name="settings"/> bind to, as the server registers them.</summary>
    internal static AuditStorageOptions Options(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddAuditStorage(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<AuditStorageOptions>>().Value;
    }

    [Fact]
    public void Without_a_connection_string_the_embedded_sqlite_file_is_used_at_data_auditkit_db()
    {
        var options = Options([]);

        options.Provider.ShouldBe(AuditStorageProvider.Sqlite);
        options.SqlitePath.ShouldBe(Path.Combine("data", "auditkit.db"));
        options.MigrateOnStart.ShouldBeTrue();
    }

    [Fact]
    public void The_auditkit_connection_string_selects_postgres()
    {
        var options = Options(new() { ["ConnectionStrings:AuditKit"] = "Host=127.0.0.1;Database=auditkit", ["AuditKit:Storage:SqlitePath"] = "ignored.db" });

        options.Provider.ShouldBe(AuditStorageProvider.Postgres);
        options.PostgresConnectionString.ShouldBe("Host=127.0.0.1;Database=auditkit");
    }

    [Fact]
    public void An_invalid_connection_string_fails_start_up_naming_the_setting()
    {
        var error = Should.Throw<OptionsValidationException>(() => Options(new() { ["ConnectionStrings:AuditKit"] = "Hots=nowhere" }));

        error.Message.ShouldContain("ConnectionStrings:AuditKit");
    }

    [Theory]
    [InlineData("15.0")]
    [InlineData("15.18")]
    [InlineData("17.2")]
    public void PostgreSQL_15_and_later_is_accepted(string version)
    {
        Should.NotThrow(() => AuditStorageInitializer.EnsureSupportedPostgres(Version.Parse(version), "db.example"));
    }

    [Theory]
    [InlineData("14.11")]
    [InlineData("12.0")]
    public void An_older_PostgreSQL_is_refused_with_a_message_naming_both_versions(string version)
    {
        var error = Should.Throw<InvalidOperationException>(() => AuditStorageInitializer.EnsureSupportedPostgres(Version.Parse(version), "db.example"));

        error.Message.ShouldContain("PostgreSQL 15 or later");
        error.Message.ShouldContain($"db.example is PostgreSQL {version}");
    }
}
