using System.Globalization;

namespace AuditKit.LoadTool;

/// <summary>
/// CPU time used by this process, the server process and the PostgreSQL server (postmaster and its children), read
/// from /proc. CPU per event is what a phase costs independent of what else the machine is running.
/// </summary>
internal sealed class CpuMeter(int? serverPid, int? postmasterPid)
{
    private static readonly double s_ticksPerSecond = 100; // USER_HZ on Linux

    public CpuSample Sample() => new(
        Environment.ProcessId is var self ? ProcessSeconds(self) : 0,
        serverPid is { } server ? ProcessSeconds(server) : null,
        postmasterPid is { } postmaster ? TreeSeconds(postmaster) : null);

    private static double ProcessSeconds(int pid) => StatFields(pid) is { } fields ? Seconds(fields, withReapedChildren: false) : 0;

    // The postmaster's own time, its running children's, and (its cutime and cstime) that of every child it has reaped:
    // a backend that exits between two samples leaves the sum of running children, and without its time counted in
    // the parent the second sample would be lower than the first (a negative figure). Children are read before the
    // parent, so a backend exiting meanwhile is counted twice (a few ms too many) rather than not at all.
    private static double TreeSeconds(int parent)
    {
        var children = 0.0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
                && StatFields(pid) is { } fields
                && fields[1] == parent.ToString(CultureInfo.InvariantCulture))
            {
                children += Seconds(fields, withReapedChildren: false);
            }
        }

        return StatFields(parent) is { } own ? Seconds(own, withReapedChildren: true) + children : children;
    }

    // utime + stime, and with withReapedChildren cutime + cstime (the time of the children the process has waited for).
    private static double Seconds(string[] fields, bool withReapedChildren)
    {
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (withReapedChildren)
        {
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }

        return ticks / s_ticksPerSecond;
    }

    // Fields after the "(comm)" part of /proc/<pid>/stat: [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime.
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>CPU seconds so far of the load tool, the server and PostgreSQL.</summary>
internal sealed record CpuSample(double Tool, double? Server, double? Postgres)
{
    public string PerThousandEvents(CpuSample before, long events)
    {
        var (tool, server, postgres) = MsPerThousandEvents(before, events);
        static string Ms(double? value) => value is { } v ? v.ToString("F0", CultureInfo.InvariantCulture) : "-";
        return $"{Ms(tool),6} {Ms(server),6} {Ms(postgres),6}";
    }

    /// <summary>CPU milliseconds per 1000 events since <paramref name="before"/>: the tool's, the server's and PostgreSQL's (null when not read).</summary>
    public (double? Tool, double? Server, double? Postgres) MsPerThousandEvents(CpuSample before, long events)
    {
        double? Ms(double? after, double? start) =>
            after is { } a && start is { } s && events > 0 ? (a - s) * 1000 / (events / 1000.0) : null;
        return (Ms(Tool, before.Tool), Ms(Server, before.Server), Ms(Postgres, before.Postgres));
    }
}
