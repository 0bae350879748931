namespace AuditKit.Middleware.Tests;

/// <summary>The request path makes one id per event: UUIDv7 laid out as RFC 9562 says, unique, sorted by time.</summary>
public sealed class EventIdTests
{
    [Fact]
    public void Ids_are_UUIDv7_with_the_timestamp_of_the_platform_layout()
    {
        var timestamp = new DateTimeOffset(2026, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);

        var id = AuditEventIds.New(timestamp);
        var reference = Guid.CreateVersion7(timestamp);

        id.Version.ShouldBe(7);
        (id.Variant & 0b1100).ShouldBe(0b1000, "RFC 9562 variant 10xx");
        id.ToString()[..13].ShouldBe(reference.ToString()[..13]);
    }

    [Fact]
    public void Ids_are_unique_and_sort_by_time()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 50_000).Select(i => AuditEventIds.New(start.AddMilliseconds(i))).ToList();

        ids.Distinct().Count().ShouldBe(ids.Count);
        ids.Select(id => id.ToString()).ShouldBe(ids.Select(id => id.ToString()).Order(StringComparer.Ordinal));
    }
}
