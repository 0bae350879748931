using System.Text.Json.Nodes;

namespace AuditKit;

/// <summary>One property whose value changed: <c>{ "property": "Status", "old": ..., "new": ... }</c>.</summary>
public sealed class AuditChange
{
    /// <summary>The property name; owned and complex properties use dotted paths (<c>Address.City</c>).</summary>
    public string Property { get; set; } = string.Empty;

    /// <summary>The value before the change (masked), or <see langword="null"/>.</summary>
    public JsonNode? Old { get; set; }

    /// <summary>The value after the change (masked), or <see langword="null"/>.</summary>
    public JsonNode? New { get; set; }
}
