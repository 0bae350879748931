using System.Buffers.Binary;

namespace AuditKit.Core.Tests.Delivery.RealServer;

/// <summary>
/// Fault matrix 4 and 7: the app is killed with SIGKILL while the server is down, and the app starts on a spool whose
/// segment was truncated and corrupted.
/// </summary>
public sealed class AppCrashFaultTests(AuditServerFixture fixture) : RealServerTestBase(fixture)
{
    [Fact]
    public async Task App_killed_with_SIGKILL_while_the_server_is_down_then_restarted_every_event_is_stored_once()
    {
        var tenant = await Server.CreateTenantAsync();
        var service = FaultMatrix.NewServiceName();
        var settings = FaultMatrix.EmitterSettings(Server.Address, tenant, service, Spool.Path, "Warning");

        await Server.KillAsync();
        List<Guid> enqueued;
        await using (var first = EmitterProcess.Start(settings, events: 500, until: "spooled"))
        {
            await Eventually.TrueAsync(() => first.Reported("spooled"), () => "the app has spooled every event: " + first.Errors, timeoutSeconds: 60);
            await first.KillAsync();
            enqueued = [.. first.Enqueued];
        }

        enqueued.Count.ShouldBe(500);
        Directory.GetFiles(Spool.Path, "*.segment").ShouldNotBeEmpty();

        await Server.StartAsync();
        await using var second = EmitterProcess.Start(settings, events: 0, until: "drained");
        (await second.WaitForExitAsync(TimeSpan.FromSeconds(90))).ShouldBe(0, second.Errors);

        await FaultMatrix.AssertStoredExactlyOnceAsync(tenant, service, enqueued);
    }

    [Fact]
    public async Task A_truncated_and_corrupted_spool_segment_at_start_up_the_rest_is_replayed_and_start_up_succeeds()
    {
        var tenant = await Server.CreateTenantAsync();
        var service = FaultMatrix.NewServiceName();
        await Server.KillAsync();

        var batches = new List<List<Guid>>();
        var first = FaultMatrix.CreateApp(Server.Address, tenant, Spool.Path, service, o => o.Delivery.BatchSize = 20);
        await using (first)
        {
            await first.StartAsync();
            var spool = first.Services.GetRequiredService<AuditDeliveryService>().Spool!;
            for (var i = 0; i < 5; i++)
            {
                batches.Add(FaultMatrix.Write(first, 20));
                var expected = i + 1;
                await Eventually.TrueAsync(() => spool.PendingBatches == expected, $"batch {expected} is spooled");
            }
        }

        // Bit rot in the second record, and a power loss in the middle of writing the last one.
        var segment = Directory.GetFiles(Spool.Path, "*.segment").Single();
        var bytes = File.ReadAllBytes(segment);
        var records = RecordOffsets(bytes);
        records.Count.ShouldBe(5);
        bytes[records[1] + 100] ^= 0x5A;
        File.WriteAllBytes(segment, bytes[..^9]);

        await Server.StartAsync();
        await using var second = FaultMatrix.CreateApp(Server.Address, tenant, Spool.Path, service);
        await second.StartAsync();

        await FaultMatrix.AssertStoredExactlyOnceAsync(tenant, service, [.. batches[0], .. batches[2], .. batches[3]]);
        second.Logs.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains("damaged", StringComparison.Ordinal));
    }

    private static List<int> RecordOffsets(byte[] segment)
    {
        var offsets = new List<int>();
        var offset = 0;
        while (offset < segment.Length)
        {
            offsets.Add(offset);
            offset += 12 + BinaryPrimitives.ReadInt32LittleEndian(segment.AsSpan(offset + 4));
        }

        return offsets;
    }
}
