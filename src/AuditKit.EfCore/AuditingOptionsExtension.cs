using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuditKit.EfCore;

/// <summary>
/// Added by <c>AddEntityAuditing</c> when bulk commands are captured: names the context's <see cref="EntityAuditor"/> and
/// gives the audited contexts an EF Core service provider of their own, whose command logger is
/// <see cref="AuditingCommandDiagnosticsLogger"/>. Contexts without auditing keep EF Core's service provider and are
/// untouched. Every audited context with the same provider settings shares that one service provider, whichever
/// auditor it has (the auditor is read from each context's options), so auditing adds at most one EF Core service
/// provider per provider configuration (two where auditors disagree on <see cref="EfCoreInternals.CommandLogger"/>,
/// which only tests make happen).
/// </summary>
internal sealed class AuditingOptionsExtension(EntityAuditor auditor) : IDbContextOptionsExtension
{
    private const string OurCommandLoggerName = nameof(AuditKit) + "." + nameof(EfCore) + "." + nameof(AuditingCommandDiagnosticsLogger);

    private DbContextOptionsExtensionInfo? _info;
    private volatile bool _commandLoggerReplaced;

    public EntityAuditor Auditor { get; } = auditor;

    /// <summary>Whether <see cref="AuditingCommandDiagnosticsLogger"/> may be installed: EF Core's command logger is as compiled against.</summary>
    public bool UsesCommandLogger => Auditor.Internals.CommandLogger;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    /// <summary>
    /// Installs <see cref="AuditingCommandDiagnosticsLogger"/> in place of EF Core's command logger. Where another
    /// command logger ends up registered (the provider's own, or the application's through <c>ReplaceService</c>, which
    /// EF Core applies after this), it is kept, and bulk commands are seen through an observed diagnostic listener
    /// instead (<see cref="BulkCommandListener"/>), which costs every command of the audited contexts a command id and
    /// two event objects. The same listener is the fallback when the running EF Core's command logger is not the one
    /// this package was compiled against (<see cref="EfCoreInternals"/>). Which of the two applies is decided when the
    /// service provider creates its listener, from the registrations it was built from.
    /// </summary>
    public void ApplyServices(IServiceCollection services)
    {
        if (UsesCommandLogger
            && !_commandLoggerReplaced
            && (FindCommandLogger(services) is not { } existing || IsOurs(existing) || existing.ImplementationType == Auditor.Internals.CommandLoggerType))
        {
            TryInstallCommandLogger(services);
        }

        services.Replace(ServiceDescriptor.Singleton<DiagnosticSource>(_ =>
        {
            var listener = new DiagnosticListener(Microsoft.EntityFrameworkCore.DbLoggerCategory.Name);
            if (FindCommandLogger(services) is not { } logger || !IsOurs(logger))
            {
                BulkCommandListener.Observe(listener);
            }

            return listener;
        }));
    }

    private static ServiceDescriptor? FindCommandLogger(IServiceCollection services)
        => services.LastOrDefault(d => d.ServiceType == typeof(IRelationalCommandDiagnosticsLogger));

    // By name: typeof(AuditingCommandDiagnosticsLogger) would load that type, which fails on an EF Core without its
    // base type, and this runs on the fallback path too.
    private static bool IsOurs(ServiceDescriptor descriptor)
        => string.Equals(descriptor.ImplementationType?.FullName, OurCommandLoggerName, StringComparison.Ordinal);

    // Out of line: naming the logger type is what would throw, were EF Core's base type gone despite the probe.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void InstallCommandLogger(IServiceCollection services)
        => services.Replace(ServiceDescriptor.Scoped<IRelationalCommandDiagnosticsLogger, AuditingCommandDiagnosticsLogger>());

    private static void TryInstallCommandLogger(IServiceCollection services)
    {
        try
        {
            InstallCommandLogger(services);
        }
        catch (Exception ex) when (ex is TypeLoadException or MissingMemberException or BadImageFormatException)
        {
            // EF Core's logger stays; the listener below sees bulk commands instead.
        }
    }

    /// <summary>
    /// With <c>UseInternalServiceProvider</c> EF Core does not apply <see cref="ApplyServices"/>: the application built
    /// the service provider, so its EF Core diagnostic listener is observed instead (once), and every context of that
    /// service provider, audited or not, pays the per-command cost described on <see cref="BulkCommandListener"/>.
    /// </summary>
    public void Validate(IDbContextOptions options)
    {
        var core = options.FindExtension<CoreOptionsExtension>();
        if (core?.InternalServiceProvider is { } internalServices)
        {
            BulkCommandListener.Observe(internalServices.GetService<DiagnosticSource>());
        }
        else if (core?.ReplacedServices is { } replaced && replaced.Keys.Any(k => k.Item1 == typeof(IRelationalCommandDiagnosticsLogger)))
        {
            // EF Core applies ReplaceService after ApplyServices, so the application's command logger would take the
            // place of ours unseen. EF Core validates the options just before it builds their service provider, so the
            // listener is chosen from now on (for every context of this auditor built later: a cost, never a loss).
            _commandLoggerReplaced = true;
        }
    }

    private sealed class ExtensionInfo(AuditingOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "AuditKit bulk command capture ";

        private bool UsesCommandLogger => ((AuditingOptionsExtension)Extension).UsesCommandLogger;

        public override int GetServiceProviderHashCode() => UsesCommandLogger ? 1 : 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other)
            => other is ExtensionInfo info && info.UsesCommandLogger == UsesCommandLogger;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
            => debugInfo["AuditKit:BulkCommandCapture"] = UsesCommandLogger ? "logger" : "listener";
    }
}
