using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics.Internal;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

#pragma warning disable EF1001 // EF Core's command logger; installed only where EfCoreInternals found it as compiled against (see the remarks).

namespace AuditKit.EfCore;

/// <summary>
/// EF Core's command logger for audited contexts: sees the commands of <c>ExecuteUpdate</c> / <c>ExecuteDelete</c>
/// while leaving the commands of SaveChanges as cheap as without auditing.
/// </summary>
/// <remarks>
/// <para>
/// Before each command EF Core asks its command logger <see cref="ShouldLogCommandExecute"/>; only when the answer is
/// yes does it draw a command id (<see cref="Guid.NewGuid"/>, about 3 µs on a small VM) and go through the logger's
/// executing / executed methods, and the logger answers no for about a second
/// (<c>CoreOptionsExtension.LoggingCacheTime</c>) after a command that no logger, diagnostic listener or interceptor
/// wanted. Any command interceptor or diagnostic listener that wants command events makes the answer yes for every
/// command, and SQLite sends one command per saved row, so watching for bulk commands that way cost SaveChanges a
/// command id and several event objects per row.
/// </para>
/// <para>
/// This logger answers yes for every command run while no SaveChanges of its context is under way (the auditor's own
/// record of the saves it intercepts, <see cref="ContextAuditState.Saving"/>), so no bulk command can fall in a pause,
/// and otherwise leaves the answer, and everything it logs, to EF Core. Commands outside SaveChanges (queries, raw
/// SQL, bulk commands) therefore cost a command id each in audited contexts, as they did with a command interceptor.
/// The executed bulk command is handed to the context's auditor after EF Core's own logging and interceptors, with
/// the rows affected they report.
/// </para>
/// <para>
/// <c>RelationalCommandDiagnosticsLogger</c> is an EF Core internal, which may change in any EF Core release, a patch
/// included, and an application may run a newer EF Core than this package was built against. A changed constructor
/// would make EF Core fail every command of an audited context, and a removed virtual method would leave bulk
/// commands unseen; the build cannot catch either, since the application is not rebuilt against this package.
/// <see cref="EfCoreInternals"/> therefore checks, once per process, that the type and the members used here exist
/// with the signatures compiled against and that this class loads; <see cref="AuditingOptionsExtension"/> installs
/// this logger only then, and otherwise observes EF Core's public <see cref="DiagnosticListener"/> through
/// <see cref="BulkCommandListener"/>, as it does wherever another command logger is registered.
/// </para>
/// </remarks>
internal sealed class AuditingCommandDiagnosticsLogger(
    ILoggerFactory loggerFactory,
    ILoggingOptions loggingOptions,
    DiagnosticSource diagnosticSource,
    LoggingDefinitions loggingDefinitions,
    IDbContextLogger contextLogger,
    IDbContextOptions contextOptions,
    ICurrentDbContext currentContext,
    IInterceptors? interceptors = null)
    : RelationalCommandDiagnosticsLogger(loggerFactory, loggingOptions, diagnosticSource, loggingDefinitions, contextLogger, contextOptions, interceptors)
{
    private readonly EntityAuditor? _auditor = contextOptions.FindExtension<AuditingOptionsExtension>()?.Auditor;

    // This logger lives as long as its context (a pooled context keeps it across leases), and so does the state.
    private ContextAuditState? _saves;

    public override bool ShouldLogCommandExecute(DateTimeOffset now)
        => base.ShouldLogCommandExecute(now)
            || (_auditor is not null && !(_saves ??= _auditor.SavesOf(currentContext.Context)).Saving);

    public override int CommandNonQueryExecuted(
        IRelationalConnection connection,
        DbCommand command,
        string logCommandText,
        DbContext? context,
        Guid commandId,
        Guid connectionId,
        int methodResult,
        DateTimeOffset startTime,
        TimeSpan duration,
        CommandSource commandSource)
    {
        var result = base.CommandNonQueryExecuted(
            connection, command, logCommandText, context, commandId, connectionId, methodResult, startTime, duration, commandSource);
        _auditor?.BulkExecuted(context, commandSource, command, result);
        return result;
    }

    // Not an async method: the call to EF Core's method stays in this method's body, where EfCoreInternals' compile
    // check of this class sees it, rather than in a state machine.
    public override ValueTask<int> CommandNonQueryExecutedAsync(
        IRelationalConnection connection,
        DbCommand command,
        string logCommandText,
        DbContext? context,
        Guid commandId,
        Guid connectionId,
        int methodResult,
        DateTimeOffset startTime,
        TimeSpan duration,
        CommandSource commandSource,
        CancellationToken cancellationToken = default)
    {
        var logged = base.CommandNonQueryExecutedAsync(
            connection, command, logCommandText, context, commandId, connectionId, methodResult, startTime, duration, commandSource, cancellationToken);
        if (logged.IsCompletedSuccessfully)
        {
            var result = logged.Result;
            _auditor?.BulkExecuted(context, commandSource, command, result);
            return ValueTask.FromResult(result);
        }

        return AuditWhenLogged(logged, context, commandSource, command);
    }

    private async ValueTask<int> AuditWhenLogged(ValueTask<int> logged, DbContext? context, CommandSource commandSource, DbCommand command)
    {
        var result = await logged.ConfigureAwait(false);
        _auditor?.BulkExecuted(context, commandSource, command, result);
        return result;
    }
}
