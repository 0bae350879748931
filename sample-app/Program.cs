var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/api/ping", () => Results.Ok(new { pong = true }));
await app.RunAsync();

public partial class Program;
