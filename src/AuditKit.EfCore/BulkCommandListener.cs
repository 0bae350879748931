using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace AuditKit.EfCore;

/// <summary>
/// Sees the commands of <c>ExecuteUpdate</c> / <c>ExecuteDelete</c> through EF Core's <see cref="DiagnosticSource"/>
/// rather than through a command interceptor, and hands each to the auditor of the context that ran it.
/// </summary>
/// <remarks>
/// <para>
/// Why not a command interceptor: once any <c>IDbCommandInterceptor</c> is registered, EF Core builds an event data
/// object and calls the interceptor at about six points of every command (creating, created, initialized, executing,
/// executed, reader closing / disposing). SQLite sends one command per saved row, so SaveChanges paid that per row
/// for the sake of the rare set-based command.
/// </para>
/// <para>
/// How: EF Core asks its <see cref="DiagnosticSource"/> (<c>IsEnabled(name)</c>) before building each event's data.
/// This observer enables exactly two names, <see cref="RelationalEventId.CommandExecuting"/> and
/// <see cref="RelationalEventId.CommandExecuted"/>, so per command EF Core builds two small objects and writes them
/// here, where anything but an executed <c>ExecuteUpdate</c> / <c>ExecuteDelete</c> is dropped after one type and
/// one field check. <c>CommandExecuting</c> carries nothing we use; it is enabled because EF Core's command logger
/// caches "nothing listens" per context: when no one wants the executing event it stops asking for about a second
/// (<c>CoreOptionsExtension.LoggingCacheTime</c>), and only a successful executed event ends that pause early, so after
/// a failed command (a retried one, say) the next bulk command would go unseen.
/// </para>
/// <para>
/// Scope: the listener is not EF Core's process-wide one. <see cref="AuditingOptionsExtension"/> gives the contexts it
/// is added to (by <c>AddAuditing</c>) an EF Core service provider of their own whose <see cref="DiagnosticSource"/>
/// is created here, already observed, under EF Core's usual name so that other diagnostic tools still find it.
/// Contexts without auditing keep EF Core's listener and pay nothing. Which auditor an event goes to is read from the
/// options of the context that ran the command, so a context without <c>AddAuditing</c> is never audited and
/// contexts with different options each reach their own auditor.
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
