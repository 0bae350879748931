namespace AuditKit;

/// <summary>Gives the <see cref="AuditContext"/> of the current asynchronous flow.</summary>
public interface IAuditContextAccessor
{
    /// <summary>The context of the current flow, or <see langword="null"/> outside any scope.</summary>
    AuditContext? Current { get; }

    /// <summary>
    /// Makes <paramref name="context"/> current for this asynchronous flow until the returned scope is disposed; the
    /// previous context is restored then.
    /// </summary>
    IDisposable BeginScope(AuditContext context);
}
