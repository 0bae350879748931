using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AuditKit.EfCore;

/// <summary>
/// Sees the commands of <c>ExecuteUpdate</c> / <c>ExecuteDelete</c>, which never pass through the change tracker,
/// and records each as a <c>bulk</c> event once it has run.
/// </summary>
internal sealed class BulkCommandAuditInterceptor(EntityAuditor auditor) : DbCommandInterceptor
{
    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        auditor.BulkExecuted(eventData.Context, eventData.CommandSource, command, result);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(
        DbCommand command,
        CommandExecutedEventData eventData,
        int result,
        CancellationToken cancellationToken = default)
    {
        auditor.BulkExecuted(eventData.Context, eventData.CommandSource, command, result);
        return ValueTask.FromResult(result);
    }
}
