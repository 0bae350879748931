using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking.Internal;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics.Internal;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

#pragma warning disable EF1001 // EF Core's command logger and state manager; see the remarks for why and what guards it.

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
/// This logger answers yes for every command that is not part of a SaveChanges (EF Core's state manager flags the
/// save for exactly as long as its commands run, and clears the flag in a <c>finally</c>), so no bulk command can
/// fall in a pause, and otherwise leaves the answer, and everything it logs, to EF Core. Commands outside SaveChanges
/// (queries, raw SQL, bulk commands) therefore cost a command id each in audited contexts, as they did with a
/// command interceptor. The executed bulk command is handed to the context's auditor after EF Core's own logging
/// and interceptors, with the rows affected they report.
/// </para>
/// <para>
/// These are EF Core internals: the constructor follows <c>RelationalCommandDiagnosticsLogger</c>'s, so a change in
/// a future EF Core fails the build rather than the application. <see cref="AuditingOptionsExtension"/> installs this
/// logger only where EF Core's own is registered; anywhere else bulk commands are seen through
/// <see cref="BulkCommandListener"/>.
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

    // Resolved on first use: the state manager's own dependencies reach the command logger.
    private IStateManager? _stateManager;

    public override bool ShouldLogCommandExecute(DateTimeOffset now)
        => base.ShouldLogCommandExecute(now)
            || !(_stateManager ??= currentContext.Context.GetService<IStateManager>()).SavingChanges;

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

    public override async ValueTask<int> CommandNonQueryExecutedAsync(
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
        var result = await base.CommandNonQueryExecutedAsync(
                connection, command, logCommandText, context, commandId, connectionId, methodResult, startTime, duration, commandSource, cancellationToken)
            .ConfigureAwait(false);
        _auditor?.BulkExecuted(context, commandSource, command, result);
        return result;
    }
}
