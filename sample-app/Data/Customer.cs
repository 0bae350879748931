using AuditKit.Masking;

namespace AuditKit.SampleApp.Data;

/// <summary>A customer; its social security number is sensitive and never leaves the process in clear.</summary>
public sealed class Customer
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string Email { get; set; } = string.Empty;

    [AuditSensitive]
    public string Ssn { get; set; } = string.Empty;
}
