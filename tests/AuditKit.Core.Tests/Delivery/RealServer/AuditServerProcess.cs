using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace AuditKit.Core.Tests.Delivery.RealServer;

/// <summary>
/// The real AuditKit server (<c>dotnet AuditKit.Server.dll</c>) as a child process on 127.0.0.1, storing into an
/// embedded SQLite file that survives restarts. It can be killed and started again on the same port and file.
/// </summary>
internal sealed class AuditServerProcess : IAsyncDisposable
{
    private const string BootstrapKey = "delivery-fault-tests-bootstrap-admin-key-0123456789";

    private readonly string _databasePath;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private AuditServerProcess(string databasePath, int port)
    {
        _databasePath = databasePath;
        Address = new Uri($"http://127.0.0.1:{port}/");
        Client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    /// <summary>The server's console output, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<AuditServerProcess> StartAsync(string dataDirectory)
    {
        var server = new AuditServerProcess(Path.Combine(dataDirectory, "auditkit.db"), FreePort());
        await server.StartAsync();
        return server;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The built server (or the one <c>AUDITKIT_SERVER_DLL</c> names).</summary>
    public static string ServerDll => Environment.GetEnvironmentVariable("AUDITKIT_SERVER_DLL") is { Length: > 0 } configured
        ? configured
        : BuiltProgram.Path(Path.Combine("src", "AuditKit.Server"), "AuditKit.Server");

    /// <summary>Starts the process and waits until <c>/health</c> answers.</summary>
    public async Task StartAsync()
    {
        if (!File.Exists(ServerDll))
        {
            throw new FileNotFoundException("The AuditKit server is not built: " + ServerDll);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { ServerDll, "--urls", Address.GetLeftPart(UriPartial.Authority) },
            WorkingDirectory = Path.GetDirectoryName(_databasePath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["AuditKit__BootstrapAdminKey"] = BootstrapKey;
        start.Environment["AuditKit__Storage__SqlitePath"] = _databasePath;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment.Remove("ConnectionStrings__AuditKit");

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await Client.GetAsync("health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The server did not become healthy within 60 s:\n" + Output);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Starts the server again if a previous test left it down.</summary>
    public Task EnsureRunningAsync() => _process is { HasExited: false } ? Task.CompletedTask : StartAsync();

    /// <summary>Kills the process at once (SIGKILL): nothing is flushed, like a crash or a pulled plug.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Creates a tenant with an ingest key and a read key.</summary>
    public async Task<ServerTenant> CreateTenantAsync()
    {
        var id = "t" + Guid.NewGuid().ToString("N")[..16];
        using var tenant = Admin(HttpMethod.Post, "api/v1/admin/tenants", new JsonObject { ["id"] = id, ["name"] = "delivery " + id });
        (await Client.SendAsync(tenant)).EnsureSuccessStatusCode();
        return new ServerTenant(this, id, await CreateKeyAsync(id, "ingest"), await CreateKeyAsync(id, "read"));
    }

    private async Task<string> CreateKeyAsync(string tenant, string role)
    {
        using var request = Admin(HttpMethod.Post, $"api/v1/admin/tenants/{tenant}/keys", new JsonObject { ["role"] = role });
        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("key").GetString()!;
    }

    private static HttpRequestMessage Admin(HttpMethod method, string path, JsonNode body) => new(method, path)
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", BootstrapKey) },
        Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
    };

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Client.Dispose();
    }
}
