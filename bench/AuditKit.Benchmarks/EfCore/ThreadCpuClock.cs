using System.Runtime.InteropServices;

namespace AuditKit.Benchmarks.EfCore;

/// <summary>
/// The CPU time the calling thread has used (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>). Unlike wall-clock time it does
/// not grow while other processes hold the CPU, so two pieces of work timed this way compare fairly on a busy
/// machine. Gen0 collections run on the allocating thread, so their cost is included.
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ThreadCpuTimeClock = 3;

    public static bool IsSupported { get; } = OperatingSystem.IsLinux();

    /// <summary>The calling thread's CPU time so far, in microseconds; 0 where unsupported.</summary>
    public static double NowMicroseconds()
    {
        if (!IsSupported || clock_gettime(ThreadCpuTimeClock, out var time) != 0)
        {
            return 0;
        }

        return (time.Seconds * 1_000_000d) + (time.Nanoseconds / 1_000d);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clockId, out TimeSpec time);
}
