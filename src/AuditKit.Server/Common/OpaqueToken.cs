using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace AuditKit.Server.Common;

/// <summary>
/// The base64url envelope of the opaque cursors clients pass back (the list's <c>next_cursor</c>, the checkpoint
/// list's): client input, read only when it is short enough and well-formed.
/// </summary>
internal static class OpaqueToken
{
    /// <summary>
    /// The bytes of <paramref name="token"/>; false when it is missing, longer than <paramref name="maxLength"/>
    /// characters or not base64url.
    /// </summary>
    public static bool TryDecode(string? token, int maxLength, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (string.IsNullOrEmpty(token) || token.Length > maxLength)
        {
            return false;
        }

        try
        {
            bytes = Base64Url.DecodeFromChars(token);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
