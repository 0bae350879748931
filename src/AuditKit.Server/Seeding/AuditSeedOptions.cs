namespace AuditKit.Server.Seeding;

/// <summary>
/// The arguments of the <c>seed</c> command: how many tenants and events, over how many days before now, from which
/// random seed (the same seed makes the same data).
/// </summary>
internal sealed record AuditSeedOptions
{
    public const string Usage =
        "usage: dotnet run --project src/AuditKit.Server -- seed [--tenants N] [--events N] [--days N] [--random-seed N] [--tenant-prefix P]\n" +
        "  fills the configured store (ConnectionStrings:AuditKit for PostgreSQL, else the SQLite file) with demo data:\n" +
        "  --tenants 50, --events 1000000, --days 30, --random-seed 42, --tenant-prefix demo by default.";

    public int Tenants { get; init; } = 50;
    public long Events { get; init; } = 1_000_000;
    public int Days { get; init; } = 30;
    public int RandomSeed { get; init; } = 42;
    public string TenantPrefix { get; init; } = "demo";

    /// <summary>Reads <c>--name value</c> pairs; unknown names and bad values throw <see cref="ArgumentException"/>.</summary>
    public static AuditSeedOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new AuditSeedOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal) || name.Contains('=', StringComparison.Ordinal))
            {
                // Configuration switches (--ConnectionStrings:AuditKit=...) are the host's, not ours.
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value.");
            }

            var value = args[++i];
            options = name switch
            {
                "--tenants" => options with { Tenants = (int)Number(name, value, 1, 1000) },
                "--events" => options with { Events = Number(name, value, 0, 1_000_000_000) },
                "--days" => options with { Days = (int)Number(name, value, 1, 3650) },
                "--random-seed" => options with { RandomSeed = (int)Number(name, value, 0, int.MaxValue) },
                "--tenant-prefix" => options with { TenantPrefix = value },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        return options;
    }

    private static long Number(string name, string value, long min, long max) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be an integer from {min} to {max} (was '{value}').");
}
