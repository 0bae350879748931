namespace AuditKit.Server.Webhooks;

/// <summary>Checks <see cref="WebhookOptions"/> at start-up, naming the key of every bad value.</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        var prefix = WebhookOptions.SectionName + ":";
        if (!string.IsNullOrWhiteSpace(options.SecretKey) && !WebhookSecretProtector.TryDecodeKey(options.SecretKey, out _))
        {
            failures.Add($"{prefix}SecretKey must be 32 bytes in base64 (generate one with: openssl rand -base64 32).");
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            failures.Add($"{prefix}MaxAttempts must be between 1 and 20 (was {options.MaxAttempts}).");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{prefix}RetryDelay must be between 00:00:00 and 00:05:00 (was {options.RetryDelay}).");
        }

        if (options.AttemptTimeout < TimeSpan.FromMilliseconds(100) || options.AttemptTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{prefix}AttemptTimeout must be between 00:00:00.1 and 00:05:00 (was {options.AttemptTimeout}).");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(100) || options.PollInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"{prefix}PollInterval must be between 00:00:00.1 and 01:00:00 (was {options.PollInterval}).");
        }

        if (options.ClaimLease < TimeSpan.FromSeconds(10) || options.ClaimLease > TimeSpan.FromHours(1))
        {
            failures.Add($"{prefix}ClaimLease must be between 00:00:10 and 01:00:00 (was {options.ClaimLease}).");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            failures.Add($"{prefix}BatchSize must be between 1 and 1000 (was {options.BatchSize}).");
        }

        for (var i = 0; i < options.AllowedHosts.Count; i++)
        {
            var host = options.AllowedHosts[i];
            if (string.IsNullOrWhiteSpace(host) || host != host.Trim()
                || Uri.CheckHostName(host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host) == UriHostNameType.Unknown)
            {
                failures.Add($"{prefix}AllowedHosts:{i} must be a host name or an IP address, without scheme, port or path (was '{host}').");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
