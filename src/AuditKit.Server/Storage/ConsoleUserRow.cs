namespace AuditKit.Server.Storage;

/// <summary>
/// The stored shape of a <see cref="ConsoleUserRecord"/>: one row of <c>console_users</c>. Holds the password only as
/// an ASP.NET Core Identity hash.
/// </summary>
internal sealed class ConsoleUserRow
{
    public Guid Id { get; set; }

    /// <summary>The sign-in name, lower case (names are compared without case).</summary>
    public required string Username { get; set; }

    public required string PasswordHash { get; set; }

    /// <summary>JSON array of <c>tenant:role</c> grants.</summary>
    public required string Grants { get; set; }

    public int FailedSignIns { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
