namespace AuditKit.Server.Common;

/// <summary>What the server's commands (<c>import</c>, <c>verify</c>, <c>seed</c>) share: reading an option's value, refusing arguments with the usage, and stopping on Ctrl+C.</summary>
internal static class CommandLine
{
    /// <summary>The value of the option at <paramref name="i"/> - 1: the next argument, unless it is missing or another option.</summary>
    /// <exception cref="ArgumentException">The option has no value.</exception>
    public static string Value(string[] args, int i)
    {
        ArgumentNullException.ThrowIfNull(args);
        return i < args.Length && !args[i].StartsWith("--", StringComparison.Ordinal) ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
    }

    /// <summary>
    /// Reads <paramref name="args"/>: each argument is offered to <paramref name="option"/> with a function that takes the
    /// option's value (the next argument, see <see cref="Value"/>); what it does not take (returns false for) is
    /// configuration (<c>--ConnectionStrings:AuditKit=…</c>, <c>--AuditKit:Storage:SqlitePath …</c>), returned in order.
    /// </summary>
    /// <exception cref="ArgumentException">An option has no value, or <paramref name="option"/> refused one.</exception>
    public static List<string> Read(string[] args, Func<string, Func<string>, bool> option)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(option);
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!option(args[i], () => Value(args, ++i)))
            {
                rest.Add(args[i]);
            }
        }

        return rest;
    }

    /// <summary>Says why the arguments were refused, then how to call the command; returns the exit code for that, 2.</summary>
    public static async Task<int> RefuseAsync(TextWriter error, ArgumentException refusal, string usage)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(refusal);
        await error.WriteLineAsync(refusal.Message);
        await error.WriteLineAsync(usage);
        return 2;
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
