namespace AuditKit.Server.Integrity;

/// <summary>
/// <c>verify</c>: checks a tenant's hash chain offline, against the configured database
/// (<c>verify --tenant acme [--from-seq N] [--to-seq N]</c>) or against an NDJSON export
/// (<c>verify --file export.ndjson [--public-keys keys.json] [--tenant acme] [--from-seq N] [--to-seq N]</c>; the export's
/// erasure anchors count only with <c>--public-keys</c>, the keys the operator trusts). Prints one verdict line per tenant;
/// exits 0 when every chain holds, 1 when one is broken, 2 when it could not check (bad arguments, no such file).
/// </summary>
internal static class AuditVerifyCommand
{
    public const string Usage =
        "usage: verify --tenant <id> [--from-seq <n>] [--to-seq <n>]   (the configured database)\n" +
        "       verify --file <export.ndjson> [--public-keys <keys.json>] [--tenant <id>] [--from-seq <n>] [--to-seq <n>]";

    public static async Task<int> RunAsync(string[] args)
    {
        string? tenant = null;
        string? file = null;
        string? publicKeys = null;
        long? from = null;
        long? to = null;
        List<string> rest;
        try
        {
            rest = CommandLine.Read(args, (option, value) =>
            {
                switch (option)
                {
                    case "--tenant":
                        tenant = value();
                        return true;
                    case "--file":
                        file = value();
                        return true;
                    case "--public-keys":
                        publicKeys = value();
                        return true;
                    case "--from-seq":
                        from = Seq(option, value());
                        return true;
                    case "--to-seq":
                        to = Seq(option, value());
                        return true;
                    default:
                        return false;
                }
            });

            if (file is null && tenant is null)
            {
                throw new ArgumentException("Give --tenant (the configured database) or --file (an NDJSON export).");
            }

            if (publicKeys is not null && file is null)
            {
                throw new ArgumentException("--public-keys goes with --file: against the database, the configured keys are used.");
            }

            if (to < from)
            {
                throw new ArgumentException("--to-seq must not be below --from-seq.");
            }
        }
        catch (ArgumentException e)
        {
            return await CommandLine.RefuseAsync(System.Console.Error, e, Usage);
        }

        using var cancellation = CommandLine.CancelOnCtrlC();

        IReadOnlyList<(string TenantId, ChainVerification Result, int UncheckedAnchors)> results;
        try
        {
            // The keys an export's erasure anchors are checked with come from the operator, never from the export.
            var trusted = publicKeys is null ? null : await TrustedPublicKeys.LoadAsync(publicKeys, cancellation.Token);
            results = file is not null
                ? await AuditExportChainFile.VerifyAsync(file, tenant, from, to, trusted, cancellation.Token)
                : [(tenant!, await VerifyDatabaseAsync(tenant!, from, to, [.. rest], cancellation.Token), 0)];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An unreadable file, a line that is not an exported event, a database that does not answer: not a verdict.
            await System.Console.Error.WriteLineAsync("verify: " + e.Message);
            return 2;
        }

        if (results.Count == 0)
        {
            await System.Console.Error.WriteLineAsync("verify: no events" + (tenant is null ? string.Empty : " of tenant " + tenant) + " in " + file);
            return 2;
        }

        foreach (var (tenantId, result, uncheckedAnchors) in results)
        {
            await System.Console.Out.WriteLineAsync(result.Verdict(tenantId));
            if (uncheckedAnchors > 0)
            {
                await System.Console.Error.WriteLineAsync(FormattableString.Invariant(
                    $"verify: tenant {tenantId}: the export carries {uncheckedAnchors} erasure anchors, not used without --public-keys (the keys you trust, as /api/v1/integrity/public-keys lists them): events rewritten by an erasure read as hash_mismatch"));
            }
        }

        return results.All(static r => r.Result.Ok) ? 0 : 1;
    }

    private static async Task<ChainVerification> VerifyDatabaseAsync(string tenant, long? from, long? to, string[] configuration, CancellationToken cancellationToken)
    {
        var builder = StorageCommandHost.CreateBuilder(configuration);
        builder.Services.AddAuditIntegrity();
        // The signed checkpoints and erasure anchors witness the chain here as they do for the endpoint (the job itself
        // never starts).
        builder.Services.AddIntegrityCheckpoints();
        await using var app = builder.Build();
        return await app.Services.GetRequiredService<AuditChainVerification>().VerifyAsync(tenant, from, to, cancellationToken);
    }

    private static long Seq(string option, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq >= 1
            ? seq
            : throw new ArgumentException($"{option} must be a whole number, 1 or more.");
}
