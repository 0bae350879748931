namespace AuditKit.Server.Tests.Infrastructure;

/// <summary>Runs an undo action when disposed.</summary>
internal sealed class Undo(Func<Task> undo) : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await undo();
}
