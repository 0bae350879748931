namespace AuditKit.Core.Tests.Contract;

public sealed class AuditEventIdOrderTests
{
    [Fact]
    public void Ids_made_in_the_same_millisecond_sort_in_creation_order()
    {
        // A millisecond no other test uses, so the process-wide counter starts fresh for it.
        var instant = new DateTimeOffset(2031, 7, 9, 10, 11, 12, 345, TimeSpan.Zero);

        var ids = Enumerable.Range(0, 500).Select(_ => AuditEventIds.New(instant)).ToList();

        ids.Select(static id => id.ToString()).ShouldBe(ids.Select(static id => id.ToString()).Order(StringComparer.Ordinal));
        ids.Distinct().Count().ShouldBe(500);
        ids.ShouldAllBe(static id => id.Version == 7);
    }

    [Fact]
    public void An_earlier_timestamp_still_gets_an_id_of_its_own_time()
    {
        var later = AuditEventIds.New(new DateTimeOffset(2032, 1, 1, 0, 0, 1, TimeSpan.Zero));
        var earlier = AuditEventIds.New(new DateTimeOffset(2032, 1, 1, 0, 0, 0, TimeSpan.Zero));

        string.CompareOrdinal(earlier.ToString(), later.ToString()).ShouldBeLessThan(0);
    }
}
