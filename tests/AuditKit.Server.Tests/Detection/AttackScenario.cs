using static AuditKit.Server.Tests.Detection.TestEvents;

namespace AuditKit.Server.Tests.Detection;

/// <summary>
/// A scripted day of one tenant, in batches: benign traffic with, spread over several batches each, an attack for
/// every rule (and a few late events). Deterministic: the same batches every time.
/// </summary>
public static class AttackScenario
{
    public static IReadOnlyList<object[]> Batches()
    {
        var random = new Random(42);
        var batches = new List<List<object>>();
        var t = Start;
        List<object> Batch()
        {
            var batch = new List<object>();
            for (var i = 0; i < 10; i++)
            {
                // Benign noise: reads by the regular users from their usual IPs.
                var user = random.Next(5);
                batch.Add(Action(t.AddSeconds(random.Next(60)), "READ", $"u{user}", "LOW", $"10.0.0.{user + 1}"));
            }

            batches.Add(batch);
            return batch;
        }

        // History: five regular users seen on five earlier days from their usual IPs.
        var history = Batch();
        for (var day = 5; day >= 1; day--)
        {
            for (var user = 0; user < 5; user++)
            {
                history.Add(Login(Start.AddDays(-day).AddHours(user), $"u{user}", $"10.0.0.{user + 1}"));
            }
        }

        void Spread(int batchCount, IEnumerable<object> events)
        {
            var all = events.ToList();
            var per = (all.Count + batchCount - 1) / batchCount;
            for (var b = 0; b < batchCount; b++)
            {
                Batch().AddRange(all.Skip(b * per).Take(per));
                t = t.AddSeconds(20);
            }
        }

        Spread(3, Series(7, t, TimeSpan.FromSeconds(15), (at, _) => FailedLogin(at, "u0", "203.0.113.1")));
        Spread(4, Series(12, t, TimeSpan.FromSeconds(20), (at, i) => FailedLogin(at, $"sprayed-{i}", "203.0.113.2")));
        Spread(3, Series(6, t, TimeSpan.FromSeconds(30), (at, i) => FailedLogin(at, "target", $"192.0.2.{i + 10}")));
        Spread(2, Series(5, t, TimeSpan.FromSeconds(10), (at, _) => FailedLogin(at, "victim", "192.0.2.99")));
        Spread(1, [Login(t.AddSeconds(60), "victim", "192.0.2.99")]);
        t = t.AddMinutes(10);
        Spread(2, Series(11, t, TimeSpan.FromSeconds(5), (at, _) => Action(at, "CONFIG_UPDATE", "ops", "CRITICAL")));
        t = t.AddMinutes(10);
        Spread(3, Series(55, t, TimeSpan.FromSeconds(2), (at, _) => Action(at, "DELETE", "cleaner", "HIGH")));
        Spread(3, Series(22, t, TimeSpan.FromSeconds(3), (at, _) => Action(at, "EXPORT", "leaker")));
        Spread(1, [Grant(t, "u2", "newbie")]);
        Spread(1, [Action(t.AddMinutes(3), "SETTING_CHANGE", "newbie", "HIGH")]);
        Spread(1, [Login(t, "u1", "198.51.100.7")]);
        t = t.AddMinutes(5);
        Spread(2, Series(120, new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(400), (at, _) => Action(at, "READ", "bot", "LOW")));

        // Late: two failures from before the brute force's first, spooled and sent now.
        Spread(1, Series(2, Start.AddSeconds(-90), TimeSpan.FromSeconds(30), (at, _) => FailedLogin(at, "u0", "203.0.113.1")));
        return [.. batches.Select(static b => b.ToArray())];
    }
}
