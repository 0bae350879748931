using static AuditKit.Server.Tests.Detection.TestEvents;

namespace AuditKit.Server.Tests.Detection;

/// <summary>Normal traffic does not wake anyone: a generated benign week raises no alert of rules 1 to 7.</summary>
public sealed class BenignWorkloadTests(PostgresDetectionFixture server) : IClassFixture<PostgresDetectionFixture>
{
    private static readonly string[] s_attackRules =
    [
        AlertRules.BruteForce, AlertRules.PasswordSpraying, AlertRules.DistributedAttack, AlertRules.CompromiseSuspect,
        AlertRules.CriticalBurst, AlertRules.MassDelete, AlertRules.MassExport, AlertRules.PrivilegeEscalation,
    ];

    [Fact]
    public async Task A_benign_week_of_100k_events_raises_no_alert_of_rules_1_to_7()
    {
        using var client = new DetectionClient(server, await server.CreateTenantAsync("benign"));
        var events = BenignWorkload.Generate(100_000, users: 300, start: Start);
        events.Count.ShouldBeGreaterThanOrEqualTo(100_000);
        events.Count(static e => e.Action == AuditActions.LoginFailed).ShouldBeGreaterThan(200);
        events.Count(static e => e.Action == AuditActions.Export).ShouldBeGreaterThan(500);

        // Through the ingestor (the same hook into detection as HTTP ingest), in large batches.
        var caller = new AuditCaller("benign", "ak_benign", client.Tenant.Id, ApiKeyRoles.Ingest, []);
        using (var scope = server.Factory.Services.CreateScope())
        {
            var ingestor = scope.ServiceProvider.GetRequiredService<AuditIngestor>();
            foreach (var chunk in events.Chunk(10_000))
            {
                var result = await ingestor.IngestAsync(caller, [.. chunk.Select(static (e, i) => new ParsedAuditEvent(i, e, []))], CancellationToken.None);
                result.Accepted.ShouldBe(chunk.Length);
            }
        }

        await server.WaitForDetectionAsync();
        var raised = await client.AlertsAsync();
        raised.Where(a => s_attackRules.Contains(a.Rule)).ShouldBeEmpty(string.Join("; ", raised.Select(static a => $"{a.Rule} {a.Key} x{a.Count}")));

        // The pipeline was live all along: one real attack on top of the week is caught.
        var end = events[^1].Timestamp;
        await client.PostAsync(Series(5, end, TimeSpan.FromSeconds(2), (at, _) => FailedLogin(at, "user-7", "203.0.113.200")));
        (await client.AlertsAsync(AlertRules.BruteForce, "203.0.113.200")).ShouldHaveSingleItem();
    }
}
