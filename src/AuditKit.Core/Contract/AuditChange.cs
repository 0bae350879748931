using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AuditKit;

/// <summary>One property whose value changed: <c>{ "property": "Status", "old": ..., "new": ... }</c>.</summary>
public sealed class AuditChange
{
    /// <summary>The property name; owned and complex properties use dotted paths (<c>Address.City</c>).</summary>
    [JsonPropertyName(AuditEventFields.ChangeProperty)]
    public string Property { get; set; } = string.Empty;

    /// <summary>The value before the change (masked), or <see langword="null"/>.</summary>
    [JsonPropertyName(AuditEventFields.ChangeOld)]
    public JsonNode? Old { get; set; }

    /// <summary>The value after the change (masked), or <see langword="null"/>.</summary>
    [JsonPropertyName(AuditEventFields.ChangeNew)]
    public JsonNode? New { get; set; }
}
