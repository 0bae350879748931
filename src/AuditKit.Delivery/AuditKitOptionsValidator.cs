using Microsoft.Extensions.Options;

namespace AuditKit.Delivery;

/// <summary>
/// Checks <see cref="AuditKitOptions"/> at start-up, naming each offending configuration key, so a misconfigured
/// application fails fast instead of silently losing its audit trail.
/// </summary>
internal sealed class AuditKitOptionsValidator : IValidateOptions<AuditKitOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditKitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.ServerUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add("AuditKit:ServerUrl must be an absolute http:// or https:// address.");
        }

        if (options.ApiKey is { } key && (key.Length == 0 || key.Any(char.IsWhiteSpace)))
        {
            failures.Add("AuditKit:ApiKey must be a non-empty key without whitespace.");
        }

        if (options.ServiceName is { Length: > AuditEventLimits.ServiceName })
        {
            failures.Add($"AuditKit:ServiceName must be at most {AuditEventLimits.ServiceName} characters.");
        }

        if (options.ServiceVersion is { Length: > AuditEventLimits.ServiceVersion })
        {
            failures.Add($"AuditKit:ServiceVersion must be at most {AuditEventLimits.ServiceVersion} characters.");
        }

        if (options.SpoolDirectory is { } spool && string.IsNullOrWhiteSpace(spool))
        {
            failures.Add("AuditKit:SpoolDirectory must not be blank.");
        }

        if (options.Delivery is not { } d)
        {
            failures.Add("AuditKit:Delivery must not be null.");
            return ValidateOptionsResult.Fail(failures);
        }

        void Range(string key, double value, double min, double max)
        {
            if (!(value >= min && value <= max))
            {
                failures.Add($"AuditKit:Delivery:{key} must be between {min} and {max} (was {value}).");
            }
        }

        void Positive(string key, TimeSpan value, TimeSpan max)
        {
            if (value <= TimeSpan.Zero || value > max)
            {
                failures.Add($"AuditKit:Delivery:{key} must be greater than zero and at most {max} (was {value}).");
            }
        }

        Range(nameof(d.ChannelCapacity), d.ChannelCapacity, 1, 10_000_000);
        Range(nameof(d.BatchSize), d.BatchSize, 1, AuditEventLimits.BatchEvents);
        Range(nameof(d.BatchBytes), d.BatchBytes, 1024, AuditEventLimits.BatchBytes);
        Range(nameof(d.MaxConcurrentBatches), d.MaxConcurrentBatches, 1, 64);
        Range(nameof(d.MaxRetryAttempts), d.MaxRetryAttempts, 0, 100);
        Range(nameof(d.CircuitBreakerFailureRatio), d.CircuitBreakerFailureRatio, 0.01, 1.0);
        Range(nameof(d.CircuitBreakerMinimumThroughput), d.CircuitBreakerMinimumThroughput, 2, 100_000);
        Range(nameof(d.SpoolSegmentBytes), d.SpoolSegmentBytes, 64 * 1024, 1L << 31);
        Range(nameof(d.SpoolMaxBytes), d.SpoolMaxBytes, d.SpoolSegmentBytes * 2, long.MaxValue);

        if (d.Linger < TimeSpan.Zero || d.Linger > TimeSpan.FromMinutes(1))
        {
            failures.Add($"AuditKit:Delivery:Linger must be between 0 and 00:01:00 (was {d.Linger}).");
        }

        var day = TimeSpan.FromDays(1);
        Positive(nameof(d.AttemptTimeout), d.AttemptTimeout, day);
        Positive(nameof(d.TotalTimeout), d.TotalTimeout, day);
        Positive(nameof(d.RetryBaseDelay), d.RetryBaseDelay, day);
        Positive(nameof(d.RetryMaxDelay), d.RetryMaxDelay, day);
        Positive(nameof(d.CircuitBreakerSamplingDuration), d.CircuitBreakerSamplingDuration, day);
        Positive(nameof(d.CircuitBreakerBreakDuration), d.CircuitBreakerBreakDuration, day);
        Positive(nameof(d.AuthFailurePause), d.AuthFailurePause, day);
        Positive(nameof(d.ShutdownDrainTimeout), d.ShutdownDrainTimeout, TimeSpan.FromMinutes(10));

        if (d.RetryMaxDelay < d.RetryBaseDelay)
        {
            failures.Add("AuditKit:Delivery:RetryMaxDelay must not be shorter than RetryBaseDelay.");
        }

        if (d.TotalTimeout < d.AttemptTimeout)
        {
            failures.Add("AuditKit:Delivery:TotalTimeout must not be shorter than AttemptTimeout.");
        }

        // The circuit breaker can only judge attempts that finish inside its window.
        if (d.CircuitBreakerSamplingDuration < d.AttemptTimeout * 2)
        {
            failures.Add("AuditKit:Delivery:CircuitBreakerSamplingDuration must be at least twice AttemptTimeout.");
        }

        if (!Enum.IsDefined(d.SpoolFsync))
        {
            failures.Add("AuditKit:Delivery:SpoolFsync must be one of: EveryWrite, OnSegmentClose, Never.");
        }

        if (!Enum.IsDefined(d.Durability))
        {
            failures.Add("AuditKit:Delivery:Durability must be one of: WriteAhead, Memory.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
