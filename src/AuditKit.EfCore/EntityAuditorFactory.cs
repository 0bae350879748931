using System.Diagnostics.Metrics;
using AuditKit.Masking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditKit.EfCore;

/// <summary>Builds the <see cref="EntityAuditor"/> from an application's services, with defaults for what is not registered.</summary>
internal static class EntityAuditorFactory
{
    public static EntityAuditor Create(IServiceProvider services)
    {
        var sink = services.GetService<IAuditSink>() ?? throw new InvalidOperationException(
            "No IAuditSink is registered, so EF Core audit events have nowhere to go. Register AuditKit's delivery " +
            "pipeline (services.AddAuditKit(...)) or an IAuditSink of your own before adding auditing to a DbContext.");
        var maskingOptions = services.GetService<IOptions<AuditMaskingOptions>>() ?? Options.Create(new AuditMaskingOptions());
        var options = services.GetService<IOptions<EntityAuditOptions>>()?.Value ?? new EntityAuditOptions();

        // Outside a host nothing runs ValidateOnStart; the first context to be configured validates instead.
        var result = new EntityAuditOptionsValidator(maskingOptions).Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(EntityAuditOptions), result.Failures);
        }

        return new EntityAuditor(
            options,
            services.GetService<AuditMasker>() ?? new AuditMasker(maskingOptions),
            sink,
            services.GetService<IAuditContextAccessor>() ?? new AuditContextAccessor(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetService<ILogger<EntityAuditor>>(),
            services.GetService<IMeterFactory>(),
            services.GetService<EfCoreInternals>());
    }
}
