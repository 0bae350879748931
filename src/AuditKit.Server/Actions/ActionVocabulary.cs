using System.Collections.Frozen;

namespace AuditKit.Server.Actions;

/// <summary>
/// One action vocabulary: the canonical actions the detection rules, the failed-authentication filter and the
/// summary's failed-authentication counts read, and the aliases other clients send for them (<c>login_success</c>,
/// <c>auth.login_failed</c>, <c>deleted</c>, <c>role_assigned</c>…). An action is compared in its normalized form
/// (<see cref="AuditActions.Normalize"/>: upper case, <c>.</c> <c>-</c> <c>:</c> <c>/</c> and spaces as <c>_</c>), so
/// the aliases are case- and separator-insensitive. Prefixes (<c>auth.</c>, <c>user.</c>) are explicit aliases, never
/// guessed. A tenant's aliases (configuration) come first, then the global ones, then the built-in table; an action
/// none of them names is its own canonical action. See docs/actions.md.
/// </summary>
internal sealed class ActionVocabulary
{
    public const string TokenRefresh = "TOKEN_REFRESH";
    public const string PasswordResetRequest = "PASSWORD_RESET_REQUEST";
    public const string MfaEnable = "MFA_ENABLE";
    public const string MfaDisable = "MFA_DISABLE";
    public const string MfaVerify = "MFA_VERIFY";
    public const string AccountLock = "ACCOUNT_LOCK";

    /// <summary>The canonical actions: the contract's well-known ones and the few the server adds.</summary>
    public static IReadOnlyList<string> CanonicalNames { get; } =
        [.. AuditActions.WellKnown, TokenRefresh, PasswordResetRequest, MfaEnable, MfaDisable, MfaVerify, AccountLock];

    /// <summary>
    /// The built-in aliases, normalized alias to canonical action, in the order docs/actions.md lists them. Every
    /// action name of the integration guides the server was checked against maps as this table says.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> BuiltinAliases { get; } =
    [
        // Sign-in and sign-out.
        new("LOGIN_SUCCESS", AuditActions.Login),
        new("LOGIN_SUCCEEDED", AuditActions.Login),
        new("AUTH_LOGIN", AuditActions.Login),
        new("AUTH_LOGIN_SUCCESS", AuditActions.Login),
        new("USER_LOGIN", AuditActions.Login),
        new("LOGIN_FAILURE", AuditActions.LoginFailed),
        new("AUTH_LOGIN_FAILED", AuditActions.LoginFailed),
        new("USER_LOGIN_FAILED", AuditActions.LoginFailed),
        new("AUTH_LOGOUT", AuditActions.Logout),
        new("USER_LOGOUT", AuditActions.Logout),
        new("AUTH_TOKEN_REFRESH", TokenRefresh),

        // Passwords and MFA.
        new("PASSWORD_CHANGED", AuditActions.PasswordChange),
        new("PASSWORD_RESET_REQUESTED", PasswordResetRequest),
        new("MFA_ENABLED", MfaEnable),
        new("MFA_DISABLED", MfaDisable),
        new("MFA_VERIFIED", MfaVerify),

        // Data: past tenses, the user-management events, and HTTP methods logged as actions.
        new("CREATED", AuditActions.Create),
        new("UPDATED", AuditActions.Update),
        new("DELETED", AuditActions.Delete),
        new("EXPORTED", AuditActions.Export),
        new("IMPORTED", AuditActions.Import),
        new("USER_CREATED", AuditActions.Create),
        new("USER_UPDATED", AuditActions.Update),
        new("USER_DELETED", AuditActions.Delete),
        new("USER_LOCKED", AccountLock),
        new("GET", AuditActions.Read),
        new("POST", AuditActions.Create),
        new("PUT", AuditActions.Update),
        new("PATCH", AuditActions.Update),

        // Roles and permissions.
        new("ROLE_ASSIGNED", AuditActions.RoleAssign),
        new("ROLE_GRANTED", AuditActions.RoleAssign),
        new("ROLE_REMOVED", AuditActions.RoleRemove),
        new("PERMISSION_GRANTED", AuditActions.PermissionGrant),
        new("PERMISSION_REVOKED", AuditActions.PermissionRevoke),
    ];

    private static readonly FrozenSet<string> s_canonical = CanonicalNames.ToFrozenSet(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, string> _global;
    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _tenants;

    /// <summary>The vocabulary of <paramref name="options"/> (assumed valid, see <see cref="ActionOptionsValidator"/>).</summary>
    public ActionVocabulary(ActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var global = BuiltinAliases.ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal);
        foreach (var (alias, canonical) in options.Aliases)
        {
            global[Key(alias)] = Key(canonical);
        }

        _global = global.ToFrozenDictionary(StringComparer.Ordinal);
        _tenants = options.Tenants.ToFrozenDictionary(
            static t => t.Key,
            static t => t.Value.Aliases.ToFrozenDictionary(static p => Key(p.Key), static p => Key(p.Value), StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    /// <summary>The built-in vocabulary, with no aliases from configuration.</summary>
    public static ActionVocabulary Builtin { get; } = new(new ActionOptions());

    /// <summary>Whether <paramref name="action"/> (normalized) is one of <see cref="CanonicalNames"/>.</summary>
    public static bool IsCanonical(string action) => s_canonical.Contains(Key(action));

    /// <summary>An action in the form the vocabulary compares it in: <see cref="AuditActions.Normalize"/>.</summary>
    public static string Key(string action) => AuditActions.Normalize(action);

    /// <summary>The canonical action of <paramref name="action"/> in <paramref name="tenantId"/>'s vocabulary.</summary>
    public string Canonical(string tenantId, string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var key = Key(action);
        if (_tenants.TryGetValue(tenantId, out var tenant) && tenant.TryGetValue(key, out var canonical))
        {
            return canonical;
        }

        return _global.TryGetValue(key, out canonical) ? canonical : key;
    }
}
