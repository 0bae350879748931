using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace AuditKit.EfCore;

/// <summary>
/// The fallback way of seeing the commands of <c>ExecuteUpdate</c> / <c>ExecuteDelete</c>: through EF Core's
/// <see cref="DiagnosticSource"/>, where <see cref="AuditingCommandDiagnosticsLogger"/> cannot be installed (an
/// application-built EF Core service provider, or a command logger of the provider's or the application's own).
/// Each executed bulk command is handed to the auditor of the context that ran it.
/// </summary>
/// <remarks>
/// <para>
/// EF Core asks its <see cref="DiagnosticSource"/> (<c>IsEnabled(name)</c>) before building each event's data. This
/// observer enables exactly two names, <see cref="RelationalEventId.CommandExecuting"/> and
/// <see cref="RelationalEventId.CommandExecuted"/>, so per command EF Core draws a command id, builds two small objects
/// and writes them here, where anything but an executed <c>ExecuteUpdate</c> / <c>ExecuteDelete</c> is dropped after
/// one type and one field check: less than a command interceptor costs (about six event objects per command), more
/// than the command logger (nothing for SaveChanges' commands). <c>CommandExecuting</c> carries nothing used here; it
/// is enabled because EF Core's command logger caches "nothing listens" per context: when no one wants the executing
/// event it stops asking for about a second (<c>CoreOptionsExtension.LoggingCacheTime</c>), and only a successful
/// executed event ends that pause early, so after a failed command (a retried one, say) the next bulk command would go
/// unseen.
/// </para>
/// <para>
/// Which auditor an event goes to is read from the options of the context that ran the command, so a context without
/// <c>AddEntityAuditing</c> is never audited, even when it shares an observed listener, and contexts with different options
/// each reach their own auditor. A listener is observed at most once, whatever the number of contexts.
/// </para>
/// </remarks>
internal sealed class BulkCommandListener : IObserver<KeyValuePair<string, object?>>
{
    private static readonly BulkCommandListener s_instance = new();
    private static readonly string s_executing = RelationalEventId.CommandExecuting.Name!;
    private static readonly string s_executed = RelationalEventId.CommandExecuted.Name!;
    private static readonly Predicate<string> s_isEnabled = static name => string.Equals(name, s_executed, StringComparison.Ordinal)
        || string.Equals(name, s_executing, StringComparison.Ordinal);

    // Listeners observed already, so that none is subscribed twice (the subscription lives as long as the listener).
    private static readonly ConditionalWeakTable<DiagnosticListener, IDisposable> s_observed = new();
    private static readonly Lock s_lock = new();

    private BulkCommandListener()
    {
    }

    /// <summary>Observes <paramref name="source"/> unless it is observed already (thread-safe, once per listener).</summary>
    public static void Observe(DiagnosticSource? source)
    {
        if (source is not DiagnosticListener listener || s_observed.TryGetValue(listener, out _))
        {
            return;
        }

        lock (s_lock)
        {
            if (!s_observed.TryGetValue(listener, out _))
            {
                s_observed.Add(listener, listener.Subscribe(s_instance, s_isEnabled));
            }
        }
    }

    /// <summary>Whether <paramref name="source"/> is observed (for tests).</summary>
    public static bool IsObserved(DiagnosticSource? source)
        => source is DiagnosticListener listener && s_observed.TryGetValue(listener, out _);

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value is not CommandExecutedEventData
            {
                CommandSource: CommandSource.ExecuteUpdate or CommandSource.ExecuteDelete,
                Context: { } context,
                Result: int rowsAffected,
            } eventData)
        {
            return;
        }

        // EF Core calls observers inline: whatever happens here must never fail the application's command.
        EntityAuditor? auditor;
        try
        {
            auditor = context.GetService<IDbContextOptions>().FindExtension<AuditingOptionsExtension>()?.Auditor;
        }
#pragma warning disable CA1031 // A disposed or half-built context: nothing to audit, and the command must not fail for it.
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }

        auditor?.BulkExecuted(context, eventData.CommandSource, eventData.Command, rowsAffected);
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }
}
