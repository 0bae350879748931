// Records audit events through AuditKit's delivery pipeline, configured like any application (AuditKit__* environment
// variables), and reports on stdout what it did, one line at a time:
//   enqueued <id>   an event the sink accepted
//   spooled         (--until spooled) every accepted event is on disk in the spool; then it waits to be killed
//   drained         (--until drained) the spool is empty and the server has everything; then it exits
// With --until killed it keeps recording (a few events every 10 ms, like an app answering requests) until killed.
using AuditKit;
using AuditKit.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.AddAuditKit();

using var host = builder.Build();
await host.StartAsync();

var events = builder.Configuration.GetValue("events", 0);
var until = builder.Configuration["until"] ?? "drained";
var sink = host.Services.GetRequiredService<IAuditSink>();
var health = host.Services.GetRequiredService<AuditDeliveryHealthCheck>();
var accepted = 0;
var lastId = Guid.Empty;
if (until == "killed")
{
    for (var i = 0; until == "killed"; i++)
    {
        if (Write(i))
        {
            Console.Out.WriteLine($"enqueued {lastId}");
        }

        if (i % 5 == 4)
        {
            await Task.Delay(10);
        }
    }
}

for (var i = 0; i < events; i++)
{
    if (Write(i))
    {
        accepted++;
        Console.Out.WriteLine($"enqueued {lastId}");
    }
}

Console.Out.Flush();
var deadline = DateTime.UtcNow.AddMinutes(2);
while (DateTime.UtcNow < deadline)
{
    var report = await health.CheckHealthAsync(new HealthCheckContext());
    var spooled = Convert.ToInt64(report.Data["spooled_events"], System.Globalization.CultureInfo.InvariantCulture);
    if (until == "spooled" && spooled >= accepted)
    {
        Console.Out.WriteLine("spooled");
        Console.Out.Flush();

        // Wait to be killed; a polite stop ends the process too.
        await Task.Delay(Timeout.Infinite, host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return 0;
    }

    if (until == "drained" && spooled == 0 && report.Status == HealthStatus.Healthy)
    {
        Console.Out.WriteLine("drained");
        Console.Out.Flush();
        await host.StopAsync();
        return 0;
    }

    await Task.Delay(50);
}

Console.Error.WriteLine($"gave up waiting until {until}");
return 1;

bool Write(int i)
{
    var auditEvent = new AuditEvent
    {
        Id = AuditEventIds.New(TimeProvider.System),
        Timestamp = DateTimeOffset.UtcNow,
        Source = AuditSources.Manual,
        Action = AuditActions.Update,
        ResourceType = "Order",
        ResourceId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Description = "emitted by the delivery fault tests",
    };
    lastId = auditEvent.Id;
    return sink.TryWrite(auditEvent);
}
