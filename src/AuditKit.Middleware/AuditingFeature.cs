namespace AuditKit.Middleware;

/// <summary>
/// The state of one audited request, kept in <c>HttpContext.Features</c> from the moment the middleware starts until
/// the request's event is written: what <see cref="IAuditLogger"/> attached to it (a sign-in outcome) and the request
/// facts that are computed once and shared with the explicit events and the ambient <see cref="AuditContext"/>.
/// </summary>
internal sealed class AuditingFeature
{
    /// <summary>The resource type of a sign-in's event, whether the request's own or one logged on its own.</summary>
    public const string SignInResourceType = "User";

    public required AuditingPolicy Policy { get; init; }

    /// <summary>When the request started, by the middleware's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The trace id, fixed at the start so the request's event and the events it causes share it.</summary>
    public string? TraceId { get; set; }

    /// <summary>The ambient context built for this request, on first use.</summary>
    public AuditContext? Context { get; set; }

    /// <summary>The sign-in outcome attached by <see cref="IAuditLogger"/>: <c>LOGIN</c> or <c>LOGIN_FAILED</c>.</summary>
    public string? SignInAction { get; private set; }

    public string? SignInUserId { get; private set; }

    public string? SignInUsername { get; private set; }

    public string? SignInEmail { get; private set; }

    public string? SignInFailureReason { get; private set; }

    /// <summary>
    /// Whether the middleware is done with the request; a sign-in outcome logged after that (from work the request left
    /// running) is written as an event of its own.
    /// </summary>
    public bool Completed { get; set; }

    public void SignInSucceeded(string userId, string? username, string? email)
    {
        SignInAction = AuditActions.Login;
        SignInUserId = userId;
        SignInUsername = username;
        SignInEmail = email;
        SignInFailureReason = null;
    }

    public void SignInFailed(string username, string reason)
    {
        SignInAction = AuditActions.LoginFailed;
        SignInUserId = null;
        SignInUsername = username;
        SignInEmail = null;
        SignInFailureReason = reason;
    }
}
