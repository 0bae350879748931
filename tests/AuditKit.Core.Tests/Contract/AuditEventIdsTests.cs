namespace AuditKit.Core.Tests.Contract;

public sealed class AuditEventIdsTests
{
    [Fact]
    public void Ids_are_RFC_9562_version_7_and_carry_their_timestamp()
    {
        var timestamp = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);

        var id = AuditEventIds.New(timestamp);

        id.Version.ShouldBe(7);
        (id.Variant & 0b1100).ShouldBe(0b1000);
        var bytes = id.ToByteArray(bigEndian: true);
        var milliseconds = ((long)bytes[0] << 40) | ((long)bytes[1] << 32) | ((long)bytes[2] << 24) | ((long)bytes[3] << 16) | ((long)bytes[4] << 8) | bytes[5];
        milliseconds.ShouldBe(timestamp.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Ids_are_unique_and_sort_by_time()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ids = new List<Guid>();
        for (var i = 0; i < 5000; i++)
        {
            ids.Add(AuditEventIds.New(time));
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        ids.Distinct().Count().ShouldBe(ids.Count);
        ids.Select(id => id.ToString()).ShouldBe(ids.Select(id => id.ToString()).Order(StringComparer.Ordinal));
        Enumerable.Range(0, 1000).Select(_ => AuditEventIds.New(time.GetUtcNow())).Distinct().Count().ShouldBe(1000);
    }
}
