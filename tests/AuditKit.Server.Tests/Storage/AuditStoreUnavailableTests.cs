namespace AuditKit.Server.Tests.Storage;

/// <summary>Which exceptions count as the store being unavailable (503), and that the rest do not (500).</summary>
public sealed class AuditStoreUnavailableTests
{
    public static TheoryData<string> Unavailable => new()
    {
        "connection refused",
        "pool exhausted",
        "postgres shutting down",
        "too many connections",
        "wrapped by EF Core",
        "sqlite busy",
        "sqlite locked",
        "sqlite cannot open",
    };

    public static TheoryData<string> Other => new()
    {
        "unique violation",
        "syntax error",
        "sqlite constraint",
        "plain exception",
        "timeout without a provider",
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void The_providers_unavailable_errors_are_recognised(string name) =>
        AuditStoreUnavailable.IsUnavailable(Exception(name)).ShouldBeTrue();

    [Theory]
    [MemberData(nameof(Other))]
    public void Other_errors_are_not(string name) =>
        AuditStoreUnavailable.IsUnavailable(Exception(name)).ShouldBeFalse();

    private static Exception Exception(string name) => name switch
    {
        "connection refused" => new NpgsqlException("Failed to connect to 127.0.0.1:1", new SocketException((int)SocketError.ConnectionRefused)),
        "pool exhausted" => new NpgsqlException("The connection pool has been exhausted", new TimeoutException()),
        "postgres shutting down" => new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown),
        "too many connections" => new PostgresException("sorry, too many clients already", "FATAL", "FATAL", PostgresErrorCodes.TooManyConnections),
        "wrapped by EF Core" => new InvalidOperationException(
            "An exception has been raised that is likely due to a transient failure.",
            new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))),
        "sqlite busy" => new SqliteException("database is locked", 5),
        "sqlite locked" => new SqliteException("database table is locked", 6),
        "sqlite cannot open" => new SqliteException("unable to open database file", 14),
        "unique violation" => new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation),
        "syntax error" => new PostgresException("syntax error", "ERROR", "ERROR", PostgresErrorCodes.SyntaxError),
        "sqlite constraint" => new SqliteException("UNIQUE constraint failed", 19),
        "plain exception" => new InvalidOperationException("a bug"),
        "timeout without a provider" => new TimeoutException(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
