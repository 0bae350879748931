using AuditKit;
using AuditKit.Delivery;
using AuditKit.Middleware;
using AuditKit.SampleApp;
using AuditKit.SampleApp.Auditing;
using AuditKit.SampleApp.Auth;
using AuditKit.SampleApp.Customers;
using AuditKit.SampleApp.Data;
using AuditKit.SampleApp.Health;
using AuditKit.SampleApp.Settings;
using AuditKit.SampleApp.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

var builder = WebApplication.CreateBuilder(args);
var auditing = builder.Configuration.GetValue("SampleApp:Auditing", SampleAuditingMode.Server);
var health = builder.Services.AddHealthChecks();

if (auditing != SampleAuditingMode.Off)
{
    if (auditing == SampleAuditingMode.InMemory)
    {
        builder.Services.AddSingleton<IAuditSink, CountingAuditSink>();
    }

    // Request auditing and the delivery pipeline, configured from section AuditKit (ServerUrl, ApiKey, ServiceName,
    // SpoolDirectory, Mode, ...), so AuditKit__ServerUrl-style environment variables work.
    builder.Services.AddAuditing();

    // Entity changes, masked, linked to the request by its trace id.
    builder.Services.AddEntityAuditing();

    // Degraded while events are spooled (server unreachable), Unhealthy after events were lost (e.g. a full disk).
    health.AddCheck<AuditDeliveryHealthCheck>("auditkit-delivery");
}
else
{
    builder.Services.AddSingleton<IAuditLogger, DiscardingAuditLogger>();
}

builder.Services.AddDbContext<SampleDbContext>((services, options) =>
{
    var connectionString = builder.Configuration.GetConnectionString("Sample") ?? "Data Source=data/sample.db";
    if (string.Equals(builder.Configuration["Database:Provider"], "PostgreSQL", StringComparison.OrdinalIgnoreCase))
    {
        options.UseNpgsql(connectionString);
    }
    else
    {
        options.UseSqlite(connectionString);
    }

    if (auditing != SampleAuditingMode.Off)
    {
        options.AddEntityAuditing(services);
    }
});

builder.Services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<TokenIssuer>();
builder.Services.AddScoped<SettingsService>();
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
    .Configure<IOptions<JwtOptions>, TokenIssuer>((bearer, jwt, tokens) =>
    {
        bearer.MapInboundClaims = false;
        bearer.TokenValidationParameters.ValidIssuer = jwt.Value.Issuer;
        bearer.TokenValidationParameters.ValidAudience = jwt.Value.Audience;
        bearer.TokenValidationParameters.IssuerSigningKey = tokens.SigningKey;
        bearer.TokenValidationParameters.NameClaimType = "preferred_username";
        bearer.TokenValidationParameters.RoleClaimType = "role";
    });
builder.Services.AddAuthorizationBuilder()
    .AddPolicy(SampleAuthorization.AdminPolicy, policy => policy.RequireRole("admin"));
builder.Services.AddProblemDetails();

// X-Forwarded-For is honoured only from the proxies listed in ForwardedHeaders:KnownProxies.
builder.Services.Configure<ForwardedHeadersOptions>(options =>
{
    options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
    options.KnownIPNetworks.Clear();
    options.KnownProxies.Clear();
    foreach (var proxy in builder.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
    {
        options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
    }
});

// The auditkit.* counters (enqueued, sent, retried, spooled, dropped by reason, rejected), scraped at /metrics.
builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService(builder.Configuration["AuditKit:ServiceName"] ?? "sample-app"))
    .WithMetrics(metrics => metrics.AddMeter("AuditKit.*").AddPrometheusExporter());

var app = builder.Build();

app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
if (auditing != SampleAuditingMode.Off)
{
    app.UseAuditing();
}

app.UseAuthorization();

app.MapGet("/api/ping", () => Results.Ok(new { pong = true })).AllowAnonymous();
app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync }).AllowAnonymous();
app.MapPrometheusScrapingEndpoint().AllowAnonymous();
app.MapAuthEndpoints();
app.MapCustomerEndpoints();
app.MapUserRoleEndpoints();
app.MapSettingsEndpoints();

await SampleDatabase.InitializeAsync(app.Services);
await app.RunAsync();

/// <summary>The sample's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
