using AuditKit.Server.Admin;
using AuditKit.Server.AuditLogs;
using AuditKit.Server.Console;
using AuditKit.Server.Ingest;

namespace AuditKit.Server.Hosting;

/// <summary>Applies the wire conventions of the contract to the options minimal APIs serialize with.</summary>
internal static class ApiJsonOptions
{
    public static void Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter());
        options.TypeInfoResolverChain.Insert(0, ProblemJsonContext.Default);
        options.TypeInfoResolverChain.Insert(1, AdminJsonContext.Default);
        options.TypeInfoResolverChain.Insert(2, AuditLogJsonContext.Default);
        options.TypeInfoResolverChain.Insert(3, AuditJsonContext.Default);
        options.TypeInfoResolverChain.Insert(4, AuditBatchJsonContext.Default);
        options.TypeInfoResolverChain.Insert(5, AuditIngestJsonContext.Default);
        options.TypeInfoResolverChain.Insert(6, ConsoleJsonContext.Default);
    }
}
