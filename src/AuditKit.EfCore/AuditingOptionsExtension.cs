using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuditKit.EfCore;

/// <summary>
/// Added by <c>AddAuditing</c> when bulk commands are captured: names the context's <see cref="EntityAuditor"/> and
/// gives the audited contexts an EF Core service provider whose <see cref="DiagnosticSource"/> is observed by
/// <see cref="BulkCommandListener"/>. Every audited context with the same provider settings shares that one service
/// provider, whichever auditor it has (the auditor is read from the options, not from the service provider), so
/// auditing adds at most one EF Core service provider per provider configuration.
/// </summary>
internal sealed class AuditingOptionsExtension(EntityAuditor auditor) : IDbContextOptionsExtension
{
    private DbContextOptionsExtensionInfo? _info;

    public EntityAuditor Auditor { get; } = auditor;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
        => services.Replace(ServiceDescriptor.Singleton<DiagnosticSource>(_ => BulkCommandListener.Create()));

    /// <summary>
    /// With <c>UseInternalServiceProvider</c> EF Core does not apply <see cref="ApplyServices"/>: the application built
    /// the service provider, so its EF Core listener is observed instead (once), and the contexts of that service
    /// provider that are not audited pay the small per-command cost described on <see cref="BulkCommandListener"/>.
    /// </summary>
    public void Validate(IDbContextOptions options)
    {
        if (options.FindExtension<CoreOptionsExtension>()?.InternalServiceProvider is { } internalServices)
        {
            BulkCommandListener.Observe(internalServices.GetService<DiagnosticSource>());
        }
    }

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "AuditKit bulk command capture ";

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
            => debugInfo["AuditKit:BulkCommandCapture"] = "1";
    }
}
