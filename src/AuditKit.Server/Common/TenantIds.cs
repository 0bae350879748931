using System.Text.RegularExpressions;

namespace AuditKit.Server.Common;

/// <summary>The shape of a tenant id: a lower-case slug usable in URLs, logs and partition names as it is.</summary>
internal static partial class TenantIds
{
    public const string Description =
        "must be a lower-case slug: 1 to 64 letters a-z, digits and hyphens, not starting or ending with a hyphen.";

    public static bool IsValid(string? id) => id is not null && Slug().IsMatch(id);

    [GeneratedRegex(@"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Slug();
}
