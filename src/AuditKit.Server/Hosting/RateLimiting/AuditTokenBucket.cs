using System.Threading.RateLimiting;

namespace AuditKit.Server.Hosting.RateLimiting;

/// <summary>
/// A token bucket: up to <see cref="TokenLimit"/> requests at once (the burst), refilled by
/// <see cref="TokensPerPeriod"/> every <see cref="ReplenishmentPeriod"/> (the sustained rate).
/// </summary>
internal sealed class AuditTokenBucket
{
    public int TokenLimit { get; set; }

    public int TokensPerPeriod { get; set; }

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>This bucket with the values <paramref name="overrides"/> sets.</summary>
    public AuditTokenBucket With(AuditTokenBucketOverride? overrides) => overrides is null
        ? this
        : new AuditTokenBucket
        {
            TokenLimit = overrides.TokenLimit ?? TokenLimit,
            TokensPerPeriod = overrides.TokensPerPeriod ?? TokensPerPeriod,
            ReplenishmentPeriod = overrides.ReplenishmentPeriod ?? ReplenishmentPeriod,
        };

    /// <summary>A limiter for this bucket that rejects at once when empty (no queue: a client retries after Retry-After).</summary>
    public TokenBucketRateLimiter CreateLimiter() => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = TokenLimit,
        TokensPerPeriod = TokensPerPeriod,
        ReplenishmentPeriod = ReplenishmentPeriod,
        QueueLimit = 0,
        AutoReplenishment = true,
    });

    /// <summary>Why these values cannot work, naming the configuration keys under <paramref name="path"/>.</summary>
    public IEnumerable<string> Validate(string path)
    {
        if (TokenLimit < 1)
        {
            yield return $"{path}:TokenLimit must be at least 1 (was {TokenLimit}).";
        }

        if (TokensPerPeriod < 1 || TokensPerPeriod > TokenLimit)
        {
            yield return $"{path}:TokensPerPeriod must be between 1 and TokenLimit ({TokenLimit}) (was {TokensPerPeriod}).";
        }

        if (ReplenishmentPeriod <= TimeSpan.Zero || ReplenishmentPeriod > TimeSpan.FromDays(1))
        {
            yield return $"{path}:ReplenishmentPeriod must be more than zero and at most one day (was {ReplenishmentPeriod}).";
        }
    }
}

/// <summary>The values of an <see cref="AuditTokenBucket"/> a tenant sets differently; the rest are the defaults.</summary>
internal sealed class AuditTokenBucketOverride
{
    public int? TokenLimit { get; set; }

    public int? TokensPerPeriod { get; set; }

    public TimeSpan? ReplenishmentPeriod { get; set; }
}
