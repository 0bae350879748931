namespace AuditKit.Core.Tests.Delivery.RealServer;

/// <summary>The AuditKit.EmitterApp test application as a child process, so it can be killed with SIGKILL.</summary>
internal sealed class EmitterProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<(string Line, long At)> _lines = new();
    private readonly StringBuilder _errors = new();

    private EmitterProcess(Process process) => _process = process;

    public IEnumerable<Guid> Enqueued => EnqueuedAt.Select(e => e.Id);

    /// <summary>Each accepted event with the <see cref="Stopwatch"/> timestamp at which its line reached this process (no earlier than the app answered).</summary>
    public IEnumerable<(Guid Id, long At)> EnqueuedAt => _lines
        .Where(l => l.Line.StartsWith("enqueued ", StringComparison.Ordinal))
        .Select(l => (Guid.Parse(l.Line["enqueued ".Length..]), l.At));

    /// <summary>Whether the app printed <paramref name="word"/>; throws when it exited without doing so.</summary>
    public bool Reported(string word)
    {
        if (_lines.Any(l => l.Line == word))
        {
            return true;
        }

        return _process.HasExited
            ? throw new InvalidOperationException($"The emitter exited with {_process.ExitCode} before reporting '{word}': {Errors}")
            : false;
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public static EmitterProcess Start(IDictionary<string, string> settings, int events, string until)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Dll, "--events", events.ToString(System.Globalization.CultureInfo.InvariantCulture), "--until", until },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var emitter = new EmitterProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                emitter._lines.Enqueue((e.Data, Stopwatch.GetTimestamp()));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (emitter._errors)
            {
                emitter._errors.AppendLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return emitter;
    }

    /// <summary>SIGKILL: no shutdown hook, no drain, no flush.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    private static string Dll => BuiltProgram.Path(Path.Combine("tests", "AuditKit.EmitterApp"), "AuditKit.EmitterApp");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}
