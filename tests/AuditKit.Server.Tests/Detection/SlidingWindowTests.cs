namespace AuditKit.Server.Tests.Detection;

/// <summary>The window arithmetic every count rule shares.</summary>
public sealed class SlidingWindowTests
{
    private static readonly DateTimeOffset s_t0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(5);

    [Fact]
    public void Both_ends_of_the_window_are_inclusive()
    {
        WindowEvent[] exactly = [At(0), At(60), At(120), At(180), At(300)];
        WindowEvent[] beyond = [At(0), At(60), At(120), At(180), At(300, ticks: 10)];

        SlidingWindow.Find(exactly, s_window, 5, distinct: false).ShouldBe(new WindowMatch(s_t0, s_t0.AddSeconds(300), 5));
        SlidingWindow.Find(beyond, s_window, 5, distinct: false).ShouldBeNull();
    }

    [Fact]
    public void Only_windows_holding_a_new_event_match()
    {
        WindowEvent[] old = [At(0, isNew: false), At(10, isNew: false), At(20, isNew: false), At(30, isNew: false), At(40, isNew: false), At(1000)];

        SlidingWindow.Find(old, s_window, 5, distinct: false).ShouldBeNull();
    }

    [Fact]
    public void The_match_spans_every_matching_window()
    {
        // Two bursts over the threshold with a quiet gap between: one span from the first's start to the second's end.
        WindowEvent[] events = [.. Enumerable.Range(0, 5).Select(i => At(i)), At(600), .. Enumerable.Range(0, 6).Select(i => At(1200 + i))];

        SlidingWindow.Find(events, s_window, 5, distinct: false).ShouldBe(new WindowMatch(s_t0, s_t0.AddSeconds(1205), 6));
    }

    [Fact]
    public void Distinct_counts_count_values_not_events()
    {
        WindowEvent[] repeated = [.. Enumerable.Range(0, 9).Select(i => At(i, value: "u" + (i % 3)))];
        WindowEvent[] spread = [.. Enumerable.Range(0, 3).Select(i => At(i, value: "u" + i))];

        SlidingWindow.Find(repeated, s_window, 4, distinct: true).ShouldBeNull();
        SlidingWindow.Find(spread, s_window, 3, distinct: true)!.Value.Peak.ShouldBe(3);
    }

    private static WindowEvent At(int seconds, long ticks = 0, bool isNew = true, string? value = null) =>
        new(s_t0.AddSeconds(seconds).AddTicks(ticks), Guid.CreateVersion7(s_t0.AddSeconds(seconds)), value, isNew);
}
