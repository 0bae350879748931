using AuditKit.Server.Hosting;
using AuditKit.Server.Import;
using AuditKit.Server.Integrity;
using AuditKit.Server.Seeding;

// `seed`: fill the configured store with demo data instead of serving.
if (args is ["seed", ..])
{
    return await AuditSeedCommand.RunAsync(args[1..]);
}

// `verify`: check a tenant's hash chain in the configured database or in an NDJSON export, instead of serving.
if (args is ["verify", ..])
{
    return await AuditVerifyCommand.RunAsync(args[1..]);
}

// `import`: store a tenant's events from JSON Lines files (the client's file sink, the Python service's audit.jsonl).
if (args is ["import", ..])
{
    return await AuditImportCommand.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAuditKitServer();
builder.Services.AddAuditStorage(builder.Configuration);

var app = builder.Build();
app.UseAuditKitServer();
await app.RunAsync();
return 0;

/// <summary>The server's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
