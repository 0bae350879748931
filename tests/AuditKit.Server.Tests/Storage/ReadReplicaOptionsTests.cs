using static AuditKit.Server.Tests.Storage.AuditStorageRegistrationTests;

namespace AuditKit.Server.Tests.Storage;

/// <summary>How <c>ConnectionStrings:AuditKitRead</c> and <c>AuditKit:Storage:ReadReplicaMaxLag</c> are read and checked at start-up (no database is opened).</summary>
public sealed class ReadReplicaOptionsTests
{
    private const string Primary = "Host=127.0.0.1;Database=auditkit";

    [Fact]
    public void Without_a_read_connection_string_there_is_no_replica_and_the_bound_is_five_seconds()
    {
        var options = Options(new() { ["ConnectionStrings:AuditKit"] = Primary });

        options.HasReadReplica.ShouldBeFalse();
        options.ReadReplicaMaxLag.ShouldBe(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_read_connection_string_and_the_bound_are_read_and_pooled_like_the_primary()
    {
        var options = Options(new()
        {
            ["ConnectionStrings:AuditKit"] = Primary,
            ["ConnectionStrings:AuditKitRead"] = "Host=replica.example;Database=auditkit",
            ["AuditKit:Storage:ReadReplicaMaxLag"] = "00:00:30",
            ["AuditKit:Storage:MaxPoolSize"] = "20",
        });

        options.HasReadReplica.ShouldBeTrue();
        options.ReadReplicaMaxLag.ShouldBe(TimeSpan.FromSeconds(30));
        options.PooledReadConnectionString().ShouldContain("Host=replica.example");
        options.PooledReadConnectionString().ShouldContain("Maximum Pool Size=20");
    }

    [Fact]
    public void A_read_connection_string_with_sqlite_fails_start_up_naming_the_setting()
    {
        var error = Should.Throw<OptionsValidationException>(() => Options(new() { ["ConnectionStrings:AuditKitRead"] = "Host=replica.example" }));

        error.Message.ShouldContain("ConnectionStrings:AuditKitRead is set but ConnectionStrings:AuditKit is not");
    }

    [Fact]
    public void An_invalid_read_connection_string_fails_start_up_naming_the_setting()
    {
        var error = Should.Throw<OptionsValidationException>(() =>
            Options(new() { ["ConnectionStrings:AuditKit"] = Primary, ["ConnectionStrings:AuditKitRead"] = "Hots=nowhere" }));

        error.Message.ShouldContain("ConnectionStrings:AuditKitRead is not a valid PostgreSQL connection string");
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("01:00:01")]
    public void A_bound_that_is_not_positive_or_above_an_hour_fails_start_up_naming_the_setting(string maxLag)
    {
        var error = Should.Throw<OptionsValidationException>(() =>
            Options(new() { ["ConnectionStrings:AuditKit"] = Primary, ["AuditKit:Storage:ReadReplicaMaxLag"] = maxLag }));

        error.Message.ShouldContain($"AuditKit:Storage:ReadReplicaMaxLag must be more than 00:00:00 and at most 01:00:00 (was {maxLag})");
    }
}
