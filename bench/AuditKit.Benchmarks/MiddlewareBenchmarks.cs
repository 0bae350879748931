using System.Net;
using System.Security.Claims;
using AuditKit.Middleware;
using AuditKit.Benchmarks.EfCore;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AuditKit.Benchmarks;

/// <summary>
/// What <c>UseAuditing()</c> adds to one request: the same request through the same terminal handler, without the
/// middleware (baseline) and with it, writing to an in-memory sink. The request looks like a routed API call
/// (<c>GET /api/customers/42?page=2</c> with a user agent and a client IP), anonymous or signed in.
/// Run: <c>dotnet run -c Release --project bench/AuditKit.Benchmarks -- --filter '*MiddlewareBenchmarks*' --job short</c>.
/// Median, min and the process's CPU time per operation are reported next to the mean: on a shared machine they are
/// the figures least disturbed by other processes.
/// </summary>
[Config(typeof(MiddlewareBenchmarkConfig))]
public class MiddlewareBenchmarks
{
    private static readonly IPAddress s_client = IPAddress.Parse("203.0.113.7");

    private readonly RouteEndpoint _endpoint = new(
        static context =>
        {
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        },
        RoutePatternFactory.Parse("/api/customers/{id}"),
        0,
        new EndpointMetadataCollection(new AuditedAttribute { Resource = "Customer" }),
        "customers");

    private readonly ClaimsPrincipal _user = new(new ClaimsIdentity(
        [new Claim("sub", "u-42"), new Claim("name", "alice"), new Claim("email", "alice@example.com")], "Bearer"));

    private readonly ClaimsPrincipal _anonymous = new(new ClaimsIdentity());

    private RequestDelegate _plain = null!;
    private RequestDelegate _audited = null!;
    private CountingSink _sink = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sink = new CountingSink();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuditKit:ServiceName"] = "bench",
        }).Build());
        services.AddLogging();
        services.AddSingleton<IAuditSink>(_sink);
        services.AddAuditing();
        var provider = services.BuildServiceProvider();

        _plain = Terminal;
        var pipeline = new ApplicationBuilder(provider);
        pipeline.UseAuditing();
        pipeline.Run(Terminal);
        _audited = pipeline.Build();
        return;

        static Task Terminal(HttpContext context)
        {
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        }
    }

    [Benchmark(Baseline = true)]
    public Task Anonymous_NoMiddleware() => _plain(NewContext(_anonymous));

    [Benchmark]
    public Task Anonymous_Audited() => _audited(NewContext(_anonymous));

    [Benchmark]
    public Task SignedIn_NoMiddleware() => _plain(NewContext(_user));

    [Benchmark]
    public Task SignedIn_Audited() => _audited(NewContext(_user));

    private DefaultHttpContext NewContext(ClaimsPrincipal user)
    {
        var context = new DefaultHttpContext { User = user, TraceIdentifier = "0HNAUDIT:00000001" };
        var request = context.Request;
        request.Method = HttpMethods.Get;
        request.Path = "/api/customers/42";
        request.QueryString = new QueryString("?page=2");
        request.Headers.UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AuditKitBench/1.0";
        request.RouteValues["id"] = "42";
        context.Connection.RemoteIpAddress = s_client;
        context.SetEndpoint(_endpoint);
        return context;
    }

    /// <summary>An in-memory sink that keeps nothing: the cost measured is the middleware's, not a collection's growth.</summary>
    private sealed class CountingSink : IAuditSink
    {
        private long _count;

        public long Count => _count;

        public bool TryWrite(AuditEvent auditEvent)
        {
            Interlocked.Increment(ref _count);
            return true;
        }
    }
}

/// <summary>A short job (3 warm-ups, 15 measured iterations) with allocations, median, min and CPU time per operation.</summary>
public sealed class MiddlewareBenchmarkConfig : ManualConfig
{
    public MiddlewareBenchmarkConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(15));
        AddDiagnoser(MemoryDiagnoser.Default, ProcessCpuTimeDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, CpuTimeRatioColumn.Default);
    }
}
