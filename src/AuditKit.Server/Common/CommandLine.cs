namespace AuditKit.Server.Common;

/// <summary>What the server's commands (<c>import</c>, <c>verify</c>, <c>seed</c>) share: reading an option's value and stopping on Ctrl+C.</summary>
internal static class CommandLine
{
    /// <summary>The value of the option at <paramref name="i"/> - 1: the next argument, unless it is missing or another option.</summary>
    /// <exception cref="ArgumentException">The option has no value.</exception>
    public static string Value(string[] args, int i)
    {
        ArgumentNullException.ThrowIfNull(args);
        return i < args.Length && !args[i].StartsWith("--", StringComparison.Ordinal) ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
    }

    /// <summary>A cancellation the process's Ctrl+C (or SIGINT) cancels instead of ending the process at once.</summary>
    public static CancellationTokenSource CancelOnCtrlC()
    {
        var cancellation = new CancellationTokenSource();
        System.Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        return cancellation;
    }
}
