using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace AuditKit.EndToEnd.Tests;

/// <summary>
/// The packages as nuget.org would serve them: AuditKit.Core, Delivery, Middleware and EfCore are packed into a local
/// feed, a fresh ASP.NET Core app outside the repository references AuditKit.Middleware and AuditKit.EfCore by version,
/// is built and run on 127.0.0.1, and its request and entity change arrive at the real server.
/// </summary>
public sealed class PackedPackagesTests(ITestOutputHelper output)
{
    private static readonly string[] s_packages = ["AuditKit.Core", "AuditKit.Delivery", "AuditKit.Middleware", "AuditKit.EfCore"];
    private static readonly TimeSpan s_stepTimeout = TimeSpan.FromSeconds(120);

    [PackableFact]
    public async Task A_fresh_app_built_against_the_packed_packages_delivers_its_request_and_entity_events_to_the_server()
    {
        using var work = new TempDirectory("auditkit-packed");
        var feed = Directory.CreateDirectory(work.File("feed")).FullName;
        var app = Directory.CreateDirectory(work.File("app")).FullName;

        // A version no cache has seen, so the app restores these packages and never a stale 0.1.0.
        var version = $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        foreach (var package in s_packages)
        {
            // The test run has just built these projects: pack what it built.
            await RunDotnetAsync(PackableFactAttribute.RepositoryRoot!,
                ["pack", $"src/{package}/{package}.csproj", "--no-build", "-c", BuildConfiguration, "-o", feed, $"-p:Version={version}", "-p:IncludeSymbols=false"]);
        }

        Directory.GetFiles(feed, "*.nupkg").Length.ShouldBe(s_packages.Length);
        WriteApp(app, feed, version);
        await RunDotnetAsync(app, ["build", "-c", "Release", "-o", Path.Combine(app, "out")], environment: new()
        {
            // Packages of this run go to a folder of its own; everything else comes from the machine's cache.
            ["NUGET_PACKAGES"] = work.File("packages"),
        });

        await using var server = await AuditKitServerHost.StartAsync();
        var (_, ingestKey, readKey) = await server.CreateTenantAsync();
        using var process = StartApp(app, new()
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["AuditKit__ServerUrl"] = server.Address.ToString(),
            ["AuditKit__ApiKey"] = ingestKey,
            ["AuditKit__ServiceName"] = "packed-app",
            ["AuditKit__SpoolDirectory"] = work.File("spool"),
        }, out var listening);
        try
        {
            var address = await listening.Task.WaitAsync(s_stepTimeout);
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            (await client.PostAsync("/notes", content: null)).StatusCode.ShouldBe(HttpStatusCode.Created);

            var deadline = Stopwatch.StartNew();
            IReadOnlyList<AuditEvent> events = [];
            while (deadline.Elapsed < TimeSpan.FromSeconds(30)
                   && !(events.Any(e => e.Source == AuditSources.Http && e.ServiceName == "packed-app") && events.Any(e => e.Source == AuditSources.EfCore)))
            {
                await Task.Delay(200);
                events = await server.ListAsync(readKey);
            }

            var request = events.Where(e => e.Source == AuditSources.Http && e.ServiceName == "packed-app").ShouldHaveSingleItem();
            request.Method.ShouldBe("POST");
            request.Path.ShouldBe("/notes");
            var change = events.Where(e => e.Source == AuditSources.EfCore).ShouldHaveSingleItem();
            change.ResourceType.ShouldBe("Note");
            change.NewValues!["Text"]!.GetValue<string>().ShouldBe("hello from a package");
            (await server.StoredDataContainsAsync("s3cret-from-a-package")).ShouldBeFalse();
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif

    private static void WriteApp(string directory, string feed, string version)
    {
        var repository = PackableFactAttribute.RepositoryRoot!;
        File.Copy(Path.Combine(repository, "global.json"), Path.Combine(directory, "global.json"));
        var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        // The repository's source plus the local feed; AuditKit.* can only come from the feed.
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local">
                  <package pattern="AuditKit.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
              <fallbackPackageFolders>
                <add key="machine" value="{machinePackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "PackedApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="AuditKit.Middleware" Version="{version}" />
                <PackageReference Include="AuditKit.EfCore" Version="{version}" />
                <PackageReference Include="Microsoft.EntityFrameworkCore.Sqlite" Version="{EfCoreVersion(repository)}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), """
            using Microsoft.EntityFrameworkCore;

            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddAuditing();
            builder.Services.AddEntityAuditing();
            builder.Services.AddDbContext<NotesDb>((sp, o) => o.UseSqlite("Data Source=notes.db").AddEntityAuditing(sp));

            var app = builder.Build();
            using (var scope = app.Services.CreateScope())
            {
                scope.ServiceProvider.GetRequiredService<NotesDb>().Database.EnsureCreated();
            }

            app.UseAuditing();
            app.MapPost("/notes", async (NotesDb db) =>
            {
                var note = new Note { Text = "hello from a package", Password = "s3cret-from-a-package" };
                db.Notes.Add(note);
                await db.SaveChangesAsync();
                return Results.Created($"/notes/{note.Id}", null);
            });
            app.Run();

            internal sealed class NotesDb(DbContextOptions<NotesDb> options) : DbContext(options)
            {
                public DbSet<Note> Notes => Set<Note>();
            }

            internal sealed class Note
            {
                public int Id { get; set; }

                public string Text { get; set; } = string.Empty;

                public string? Password { get; set; }
            }
            """);
    }

    /// <summary>The EF Core version the repository builds with, so the app restores it from the machine's cache.</summary>
    private static string EfCoreVersion(string repository)
    {
        var props = File.ReadAllText(Path.Combine(repository, "Directory.Packages.props"));
        var match = System.Text.RegularExpressions.Regex.Match(props, "<EfCoreVersion>([^<]+)</EfCoreVersion>");
        match.Success.ShouldBeTrue("Directory.Packages.props names no EfCoreVersion");
        return match.Groups[1].Value;
    }

    private async Task RunDotnetAsync(string workingDirectory, string[] arguments, Dictionary<string, string>? environment = null)
    {
        var start = NewStartInfo(workingDirectory, arguments, environment);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(s_stepTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var log = await stdout + await stderr;
        output.WriteLine($"dotnet {string.Join(' ', arguments)} -> {process.ExitCode}");
        process.ExitCode.ShouldBe(0, log);
    }

    private Process StartApp(string directory, Dictionary<string, string> environment, out TaskCompletionSource<string> listening)
    {
        var start = NewStartInfo(directory, [Path.Combine(directory, "out", "PackedApp.dll")], environment);
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            const string Marker = "Now listening on: ";
            if (e.Data is null)
            {
                address.TrySetException(new InvalidOperationException("The packed app exited before listening:\n" + log));
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            var at = e.Data.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                address.TrySetResult(e.Data[(at + Marker.Length)..].Trim());
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }

                output.WriteLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        listening = address;
        return process;
    }

    private static ProcessStartInfo NewStartInfo(string workingDirectory, IEnumerable<string> arguments, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(PackableFactAttribute.DotnetHost!)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        // The test host's own MSBuild settings must not leak into the child builds.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        return start;
    }
}

/// <summary>A fact that is skipped, saying why, when the packages cannot be packed here (no SDK host, no sources).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PackableFactAttribute : FactAttribute
{
    public PackableFactAttribute()
    {
        if (DotnetHost is null)
        {
            Skip = "dotnet pack is impossible here: no dotnet host was found (DOTNET_HOST_PATH or dotnet on PATH).";
        }
        else if (RepositoryRoot is null)
        {
            Skip = "dotnet pack is impossible here: the AuditKit sources (AuditKit.sln) are not above the test's directory.";
        }
    }

    public static string? DotnetHost { get; } = FindDotnet();

    public static string? RepositoryRoot { get; } = FindRepositoryRoot();

    private static string? FindDotnet()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"))
            .FirstOrDefault(File.Exists);
    }

    private static string? FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AuditKit.sln")) && Directory.Exists(Path.Combine(directory.FullName, "src")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
