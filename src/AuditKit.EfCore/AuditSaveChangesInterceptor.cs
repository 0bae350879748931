using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AuditKit.EfCore;

/// <summary>
/// Captures changes when SaveChanges starts (original values are lost once it succeeds) and emits events after it
/// succeeds (so store-generated keys and values are real). Every hook has its async twin.
/// </summary>
internal sealed class AuditSaveChangesInterceptor(EntityAuditor auditor) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        auditor.SavingChanges(eventData.Context);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData,
        InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        await auditor.SavingChangesAsync(eventData.Context, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        auditor.SavedChanges(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        auditor.SavedChanges(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
        => auditor.SaveChangesFailed(eventData.Context, eventData.Exception);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        auditor.SaveChangesFailed(eventData.Context, eventData.Exception);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData)
        => auditor.SaveChangesCanceled(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        auditor.SaveChangesCanceled(eventData.Context);
        return Task.CompletedTask;
    }

    public override InterceptionResult ThrowingConcurrencyException(ConcurrencyExceptionEventData eventData, InterceptionResult result)
    {
        auditor.ThrowingConcurrencyException(eventData.Context, eventData.Exception, result.IsSuppressed);
        return result;
    }

    public override ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(
        ConcurrencyExceptionEventData eventData,
        InterceptionResult result,
        CancellationToken cancellationToken = default)
    {
        auditor.ThrowingConcurrencyException(eventData.Context, eventData.Exception, result.IsSuppressed);
        return ValueTask.FromResult(result);
    }
}
