namespace AuditKit.Server.Tests.Actions;

/// <summary>The action vocabulary: its tables as documented in docs/actions.md, its configuration and validation.</summary>
public sealed partial class ActionVocabularyTests
{
    /// <summary>
    /// Every action name the integration guides of the replaced audit services use, as written there, and the
    /// canonical action it must get.
    /// </summary>
    public static TheoryData<string, string> IntegrationGuideActions { get; } = new()
    {
        // HRMS audit service (Python, Node.js and Go clients; an API-gateway middleware logging request.method.lower()).
        { "created", "CREATE" }, { "create_failed", "CREATE_FAILED" }, { "updated", "UPDATE" }, { "update_failed", "UPDATE_FAILED" },
        { "deleted", "DELETE" }, { "delete_failed", "DELETE_FAILED" },
        { "post", "CREATE" }, { "put", "UPDATE" }, { "patch", "UPDATE" }, { "delete", "DELETE" },

        // User-service events (action and event_type).
        { "login_success", "LOGIN" }, { "auth.login_success", "LOGIN" }, { "login_failed", "LOGIN_FAILED" }, { "auth.login_failed", "LOGIN_FAILED" },
        { "user_login", "LOGIN" }, { "logout", "LOGOUT" }, { "token_refresh", "TOKEN_REFRESH" },
        { "user_created", "CREATE" }, { "user_updated", "UPDATE" }, { "user_deleted", "DELETE" }, { "user_locked", "ACCOUNT_LOCK" },
        { "password_changed", "PASSWORD_CHANGE" }, { "password_reset_requested", "PASSWORD_RESET_REQUEST" },
        { "mfa_enabled", "MFA_ENABLE" }, { "mfa_disabled", "MFA_DISABLE" }, { "mfa_verified", "MFA_VERIFY" },
        { "permission_granted", "PERMISSION_GRANT" }, { "role_assigned", "ROLE_ASSIGN" }, { "role_removed", "ROLE_REMOVE" },
        { "suspicious_activity", "SUSPICIOUS_ACTIVITY" }, { "rate_limit_exceeded", "RATE_LIMIT_EXCEEDED" },

        // Python enum members.
        { "ROLE_ASSIGNED", "ROLE_ASSIGN" }, { "ENDPOINT_PUBLISHED", "ENDPOINT_PUBLISHED" }, { "ENDPOINT_UNPUBLISHED", "ENDPOINT_UNPUBLISHED" },
        { "WORKFLOW_STARTED", "WORKFLOW_STARTED" }, { "WORKFLOW_COMPLETED", "WORKFLOW_COMPLETED" },

        // The action types of an audit service already on the contract's names.
        { "LOGIN", "LOGIN" }, { "LOGOUT", "LOGOUT" }, { "LOGIN_FAILED", "LOGIN_FAILED" }, { "PASSWORD_RESET", "PASSWORD_RESET" },
        { "PASSWORD_CHANGE", "PASSWORD_CHANGE" }, { "CREATE", "CREATE" }, { "READ", "READ" }, { "UPDATE", "UPDATE" }, { "DELETE", "DELETE" },
        { "EXPORT", "EXPORT" }, { "IMPORT", "IMPORT" }, { "APPROVE", "APPROVE" }, { "REJECT", "REJECT" }, { "COMPLETE", "COMPLETE" },
        { "CANCEL", "CANCEL" }, { "ROLE_ASSIGN", "ROLE_ASSIGN" }, { "ROLE_REMOVE", "ROLE_REMOVE" }, { "PERMISSION_GRANT", "PERMISSION_GRANT" },
        { "PERMISSION_REVOKE", "PERMISSION_REVOKE" }, { "CONFIG_UPDATE", "CONFIG_UPDATE" }, { "SETTING_CHANGE", "SETTING_CHANGE" },
    };

    [Theory]
    [MemberData(nameof(IntegrationGuideActions))]
    public void IntegrationGuideActionsMapAsDocumented(string action, string canonical)
    {
        ActionVocabulary.Builtin.Canonical("any-tenant", action).ShouldBe(canonical);

        // As ingest stores it (normalized), too.
        ActionVocabulary.Builtin.Canonical("any-tenant", AuditActions.Normalize(action)).ShouldBe(canonical);

        Table("Action names of the integration guides").ShouldContain(new KeyValuePair<string, string>(action, canonical));
    }

    [Fact]
    public void Every_integration_guide_action_of_the_documentation_is_enumerated_by_the_test()
    {
        var enumerated = IntegrationGuideActions.Select(static row => new KeyValuePair<string, string>((string)row[0], (string)row[1])).ToList();
        Table("Action names of the integration guides").ShouldBe(enumerated, ignoreOrder: true);
    }

    [Fact]
    public void AliasTableMatchesTheCode()
    {
        Table("Built-in aliases").ShouldBe(ActionVocabulary.BuiltinAliases);
        ActionVocabulary.BuiltinAliases.ShouldAllBe(static a => ActionVocabulary.IsCanonical(a.Value) && !ActionVocabulary.IsCanonical(a.Key));
        ActionVocabulary.BuiltinAliases.Select(static a => a.Key).ShouldBeUnique();
        ActionVocabulary.BuiltinAliases.ShouldAllBe(static a => a.Key == AuditActions.Normalize(a.Key));
    }

    [Fact]
    public void Canonical_actions_are_their_own_and_the_contract_s_well_known_ones_are_among_them()
    {
        ActionVocabulary.CanonicalNames.ShouldBeUnique();
        AuditActions.WellKnown.ShouldAllBe(static a => ActionVocabulary.CanonicalNames.Contains(a));
        ActionVocabulary.CanonicalNames.ShouldAllBe(static a => ActionVocabulary.Builtin.Canonical("t", a) == a);
    }

    [Theory]
    [InlineData("Login-Success")]
    [InlineData("login.success")]
    [InlineData(" LOGIN SUCCESS ")]
    [InlineData("login:success")]
    public void Aliases_ignore_case_and_separators(string action) =>
        ActionVocabulary.Builtin.Canonical("t", action).ShouldBe(AuditActions.Login);

    [Fact]
    public void Prefixes_are_not_guessed()
    {
        // auth.login_failed is an explicit alias; an unknown prefix is not stripped.
        ActionVocabulary.Builtin.Canonical("t", "sso.login_failed").ShouldBe("SSO_LOGIN_FAILED");
    }

    [Fact]
    public void Configured_aliases_apply_globally_and_per_tenant_a_tenant_s_first()
    {
        var vocabulary = Vocabulary(new()
        {
            ["AuditKit:Actions:Aliases:signin_ok"] = "login",
            ["AuditKit:Actions:Aliases:record.purged"] = "DELETE",
            ["AuditKit:Actions:Tenants:acme:Aliases:signin_denied"] = "LOGIN_FAILED",
            ["AuditKit:Actions:Tenants:acme:Aliases:record.purged"] = "EXPORT",
        });

        vocabulary.Canonical("other", "SIGNIN_OK").ShouldBe(AuditActions.Login);
        vocabulary.Canonical("other", "RECORD_PURGED").ShouldBe(AuditActions.Delete);
        vocabulary.Canonical("other", "signin_denied").ShouldBe("SIGNIN_DENIED");
        vocabulary.Canonical("acme", "signin_denied").ShouldBe(AuditActions.LoginFailed);
        vocabulary.Canonical("acme", "record-purged").ShouldBe(AuditActions.Export);
        vocabulary.Canonical("acme", "deleted").ShouldBe(AuditActions.Delete);
    }

    [Fact]
    public void A_configured_alias_may_override_a_built_in_one()
    {
        var vocabulary = Vocabulary(new() { ["AuditKit:Actions:Tenants:acme:Aliases:post"] = "UPDATE" });

        vocabulary.Canonical("acme", "POST").ShouldBe(AuditActions.Update);
        vocabulary.Canonical("other", "POST").ShouldBe(AuditActions.Create);
    }

    [Theory]
    [InlineData("AuditKit:Actions:Aliases:signin_ok", "SIGNED_IN", "AuditKit:Actions:Aliases:signin_ok names 'SIGNED_IN', which is not a canonical action")]
    [InlineData("AuditKit:Actions:Tenants:acme:Aliases:gone", "", "AuditKit:Actions:Tenants:acme:Aliases:gone names '', which is not a canonical action")]
    [InlineData("AuditKit:Actions:Aliases:delete", "READ", "AuditKit:Actions:Aliases:delete is a canonical action itself")]
    [InlineData("AuditKit:Actions:Tenants:Not_A_Tenant:Aliases:x", "LOGIN", "AuditKit:Actions:Tenants:Not_A_Tenant does not name a tenant")]
    public void A_bad_alias_stops_the_start_naming_its_key(string key, string value, string message)
    {
        var failure = Should.Throw<OptionsValidationException>(() => Vocabulary(new() { [key] = value }));
        failure.Failures.ShouldContain(f => f.StartsWith(message, StringComparison.Ordinal), string.Join(" | ", failure.Failures));
    }

    private static ActionVocabulary Vocabulary(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddAuditActions(configuration).BuildServiceProvider();
        return services.GetRequiredService<ActionVocabulary>();
    }

    /// <summary>The two-column table under the heading <paramref name="heading"/> of docs/actions.md, without its backquotes.</summary>
    private static List<KeyValuePair<string, string>> Table(string heading)
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root(), "docs", "actions.md"));
        var start = Array.IndexOf(lines, "## " + heading);
        start.ShouldBeGreaterThanOrEqualTo(0, $"docs/actions.md has a section '{heading}'");
        return [.. lines.Skip(start + 1)
            .TakeWhile(static l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Select(static l => Row().Match(l))
            .Where(static m => m.Success)
            .Select(static m => new KeyValuePair<string, string>(m.Groups[1].Value, m.Groups[2].Value))];
    }

    [GeneratedRegex(@"^\| `([^`]*)` \| `([^`]*)` \|$")]
    private static partial Regex Row();
}
