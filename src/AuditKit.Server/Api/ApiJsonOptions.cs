using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuditKit.Server.Api;

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
        options.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        options.TypeInfoResolverChain.Insert(1, AuditJsonContext.Default);
        options.TypeInfoResolverChain.Insert(2, AuditBatchJsonContext.Default);
        options.TypeInfoResolverChain.Insert(3, AuditQueryJsonContext.Default);
    }
}
