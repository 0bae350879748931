using AuditKit.Server.Hosting;
using AuditKit.Server.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAuditKitServer();
builder.Services.AddAuditStorage(builder.Configuration);

var app = builder.Build();
app.UseAuditKitServer();
await app.RunAsync();

/// <summary>The server's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
