using AuditKit.Masking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuditKit.Middleware;

/// <summary>Holds the current <see cref="AuditingPolicy"/>, compiled again whenever <see cref="AuditingOptions"/> change.</summary>
internal sealed class AuditingPolicyProvider : IDisposable
{
    private readonly AuditMasker _masker;
    private readonly IAuditTenantResolver? _customTenantResolver;
    private readonly IDisposable? _subscription;
    private volatile AuditingPolicy _current;

    public AuditingPolicyProvider(IOptionsMonitor<AuditingOptions> options, AuditMasker masker, IServiceProvider services)
    {
        _masker = masker;
        _customTenantResolver = services.GetService<IAuditTenantResolver>();
        _current = new AuditingPolicy(options.CurrentValue, masker, _customTenantResolver);
        _subscription = options.OnChange(changed => _current = new AuditingPolicy(changed, _masker, _customTenantResolver));
    }

    public AuditingPolicy Current => _current;

    public void Dispose() => _subscription?.Dispose();
}
