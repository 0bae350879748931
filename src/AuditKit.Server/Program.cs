using AuditKit.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAuditKitServer();

var app = builder.Build();
app.UseAuditKitServer();
await app.RunAsync();

/// <summary>The server's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
