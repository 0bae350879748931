namespace AuditKit;

/// <summary>The default <see cref="IAuditContextAccessor"/>: an <see cref="AsyncLocal{T}"/> that flows with async calls.</summary>
internal sealed class AuditContextAccessor : IAuditContextAccessor
{
    private static readonly AsyncLocal<AuditContext?> s_current = new();

    /// <inheritdoc />
    public AuditContext? Current => s_current.Value;

    /// <inheritdoc />
    public IDisposable BeginScope(AuditContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var previous = s_current.Value;
        s_current.Value = context;
        return new Scope(previous);
    }

    private sealed class Scope(AuditContext? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                s_current.Value = previous;
            }
        }
    }
}
