namespace AuditKit.Server.Webhooks;

/// <summary>Webhook delivery, bound from <c>AuditKit:Webhooks</c>.</summary>
internal sealed class WebhookOptions
{
    /// <summary>The configuration section of these options.</summary>
    public const string SectionName = "AuditKit:Webhooks";

    /// <summary>
    /// The key that encrypts webhook signing secrets at rest: 32 random bytes, base64 (<c>openssl rand -base64 32</c>).
    /// Every server process sharing a database needs the same key. Without it webhooks cannot be created.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>Only <c>https://</c> webhook URLs are accepted (turn off for receivers on a private network or in tests).</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>
    /// Hosts (names or IP addresses, as written in webhook URLs) that webhooks may reach although they are on this
    /// machine or a private network: every loopback, link-local, private, shared (CGNAT), multicast and reserved
    /// address is refused otherwise (<see cref="WebhookAddressPolicy"/>). Empty by default.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Attempts per delivery, the first included (retries with exponential backoff and jitter).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The delay before the first retry; each further retry waits about twice as long.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the dispatcher looks for deliveries queued by other server processes or left over by a restart.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a process may hold a delivery it is sending before another may take it over.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most deliveries one dispatcher round sends.</summary>
    public int BatchSize { get; set; } = 20;
}
