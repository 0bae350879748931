namespace AuditKit.Server.Detection;

/// <summary>The <c>details</c> of an alert: the parameters of the rule that matched, as a JSON object.</summary>
internal static class RuleDetails
{
    public static string Count(CountRuleSettings settings, string counts) => new JsonObject
    {
        ["threshold"] = settings.Threshold,
        ["window_seconds"] = settings.Window.TotalSeconds,
        ["counts"] = counts,
    }.ToJsonString();

    public static string Of(params (string Name, JsonNode? Value)[] values)
    {
        var json = new JsonObject();
        foreach (var (name, value) in values)
        {
            json[name] = value;
        }

        return json.ToJsonString();
    }
}
