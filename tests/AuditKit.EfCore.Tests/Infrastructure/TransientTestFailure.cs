using System.Data.Common;
using Microsoft.EntityFrameworkCore.Storage;

namespace AuditKit.EfCore.Tests.Infrastructure;

/// <summary>A failure the test execution strategy treats as transient.</summary>
public sealed class TransientTestException() : Exception("A transient failure injected by the test.");

/// <summary>Retries on <see cref="TransientTestException"/>, at once (no back-off, so tests stay fast).</summary>
public sealed class RetryOnTransientTestFailureStrategy(ExecutionStrategyDependencies dependencies)
    : ExecutionStrategy(dependencies, maxRetryCount: 3, maxRetryDelay: TimeSpan.Zero)
{
    protected override bool ShouldRetryOn(Exception exception) => exception is TransientTestException;

    protected override TimeSpan? GetNextDelay(Exception lastException)
        => base.GetNextDelay(lastException) is null ? null : TimeSpan.Zero;
}

/// <summary>
/// Makes the first <c>failures</c> commands from <c>source</c> (SaveChanges by default) throw a
/// <see cref="TransientTestException"/>.
/// </summary>
public sealed class FlakyCommands(int failures, CommandSource source = CommandSource.SaveChanges) : DbCommandInterceptor
{
    private int _remaining = failures;

    public int Failed { get; private set; }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Fail(eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Fail(eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Fail(eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Fail(eventData);
        return ValueTask.FromResult(result);
    }

    private void Fail(CommandEventData eventData)
    {
        if (eventData.CommandSource == source && _remaining > 0)
        {
            _remaining--;
            Failed++;
            throw new TransientTestException();
        }
    }
}
