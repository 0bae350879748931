namespace AuditKit.SampleApp;

/// <summary>The sample's authorization policies.</summary>
public static class SampleAuthorization
{
    public const string AdminPolicy = "admin";
}
