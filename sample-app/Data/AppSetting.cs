namespace AuditKit.SampleApp.Data;

/// <summary>An application setting administrators can change.</summary>
public sealed class AppSetting
{
    public string Key { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;
}
