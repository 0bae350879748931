namespace AuditKit.Server.Common;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) and the browsable reference (<c>/scalar</c>), bound from <c>AuditKit:ApiReference</c>.</summary>
internal sealed class ApiReferenceSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AuditKit:ApiReference";

    /// <summary>
    /// Whether both are served. Unset: everywhere but the Production environment, where the API's full surface is
    /// not advertised to whoever reaches the server unless this is set to true.
    /// </summary>
    public bool? Enabled { get; set; }
}
