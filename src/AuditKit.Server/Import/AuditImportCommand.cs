using AuditKit.Server.Detection;

namespace AuditKit.Server.Import;

/// <summary>
/// <c>import</c>: stores the events of JSON Lines files for one tenant, idempotently
/// (<c>import --tenant acme --file logs/audit.jsonl [--file …] [--format native|seed003] [--strict]</c>). A
/// <c>--file</c> that is a directory stands for its <c>*.jsonl</c> files and their rotated backups, oldest first.
/// Prints the counts and every rejected line; exits 0 when every line was stored or already there, 1 when a line was
/// rejected, 2 when it could not import (bad arguments, unknown tenant, unreadable file).
/// </summary>
internal static class AuditImportCommand
{
    public const string Usage =
        "usage: import --tenant <id> --file <path> [--file <path> ...] [--format native|seed003] [--strict]\n" +
        "  native (default): one AuditKit event per line (the client's file sink, NDJSON exports);\n" +
        "  seed003: the Python audit service's audit.jsonl. A directory imports its *.jsonl files and rotated backups,\n" +
        "  oldest first. --strict stores nothing unless every line is valid.";

    /// <summary>The most rejected lines printed; the count covers them all.</summary>
    private const int PrintedRejections = 1000;

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= System.Console.Out;
        error ??= System.Console.Error;
        string? tenant = null;
        var format = AuditImportFormats.Native;
        var strict = false;
        var paths = new List<string>();
        List<string> rest;
        IImportLineMapper? mapper;
        List<string> files;
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
                        paths.Add(value());
                        return true;
                    case "--format":
                        format = value();
                        return true;
                    case "--strict":
                        strict = true;
                        return true;
                    default:
                        return false;
                }
            });

            if (string.IsNullOrWhiteSpace(tenant) || paths.Count == 0)
            {
                throw new ArgumentException("Give --tenant and at least one --file.");
            }

            mapper = AuditImportFormats.Mapper(format)
                ?? throw new ArgumentException($"--format must be {AuditImportFormats.Native} or {AuditImportFormats.Seed003} (was '{format}').");
            files = Files(paths);
        }
        catch (ArgumentException e)
        {
            return await CommandLine.RefuseAsync(error, e, Usage);
        }

        using var cancellation = CommandLine.CancelOnCtrlC();
        var cancellationToken = cancellation.Token;

        var builder = StorageCommandHost.CreateBuilder([.. rest]);
        builder.Services.AddOptions<AuditKitServerOptions>().BindConfiguration(AuditKitServerOptions.SectionName);
        builder.Services.AddOptions<DetectionOptions>().BindConfiguration(DetectionOptions.SectionName);
        builder.Services.AddSingleton<AuditImporter>();
        await using var app = builder.Build();

        AuditImportReport report;
        try
        {
            await app.Services.GetRequiredService<AuditStorageInitializer>().InitializeAsync(cancellationToken);
            if (await app.Services.GetRequiredService<ITenantStore>().GetTenantAsync(tenant!, cancellationToken) is null)
            {
                await error.WriteLineAsync($"import: no tenant '{tenant}'; create it first (POST /api/v1/admin/tenants).");
                return 2;
            }

            var importer = app.Services.GetRequiredService<AuditImporter>();
            report = await importer.ImportAsync(tenant!, files, mapper, dryRun: strict, cancellationToken);
            if (strict && report.Rejected == 0)
            {
                report = await importer.ImportAsync(tenant!, files, mapper, dryRun: false, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException || AuditStoreUnavailable.IsUnavailable(e))
        {
            await error.WriteLineAsync("import: " + e.Message);
            return 2;
        }

        foreach (var rejection in report.Rejections.Take(PrintedRejections))
        {
            await error.WriteLineAsync("rejected " + rejection);
        }

        if (report.Rejected > PrintedRejections)
        {
            await error.WriteLineAsync($"… and {report.Rejected - PrintedRejections} more rejected line(s).");
        }

        await output.WriteLineAsync(
            $"import {tenant} ({format}{(strict ? ", strict" : string.Empty)}): {report.Read} read, {report.Stored} stored, " +
            $"{report.Duplicates} already stored, {report.Rejected} rejected" +
            (strict && report.Rejected > 0 ? " (strict: nothing stored)" : string.Empty));
        return report.Rejected == 0 ? 0 : 1;
    }

    /// <summary>The files to read, in order: a directory gives its JSON Lines files, each file's oldest backup first.</summary>
    internal static List<string> Files(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = Directory.GetFiles(path)
                    .Select(static f => (File: f, Live: LiveFile(f)))
                    .Where(static f => f.Live.Name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || f.Live.Name.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
                    .OrderBy(static f => f.Live.Name, StringComparer.Ordinal)
                    .ThenByDescending(static f => f.Live.Backup)
                    .Select(static f => f.File);
                files.AddRange(found);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new ArgumentException($"--file {path}: no such file or directory.");
            }
        }

        return files;
    }

    // audit.jsonl.3 is backup 3 of audit.jsonl; audit.jsonl itself is "backup 0", the newest.
    private static (string Name, int Backup) LiveFile(string file)
    {
        var name = Path.GetFileName(file);
        var dot = name.LastIndexOf('.');
        return dot > 0 && int.TryParse(name.AsSpan(dot + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var backup)
            ? (name[..dot], backup)
            : (name, 0);
    }
}
