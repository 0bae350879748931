using System.Buffers.Binary;
using System.Buffers.Text;

namespace AuditKit.Server.Integrity;

/// <summary>
/// The opaque <c>next_cursor</c> of the checkpoint list: base64url of the last item's seq (8 bytes, big-endian) and
/// kind. Not a secret: every read is scoped to the caller's tenant anyway.
/// </summary>
internal static class CheckpointCursor
{
    private const int MaxTokenLength = 64;

    public static string Encode(long seq, string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var bytes = new byte[8 + Encoding.ASCII.GetByteCount(kind)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, seq);
        Encoding.ASCII.GetBytes(kind, bytes.AsSpan(8));
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string? token, out long seq, out string kind)
    {
        seq = 0;
        kind = string.Empty;
        if (!OpaqueToken.TryDecode(token, MaxTokenLength, out var bytes) || bytes.Length <= 8)
        {
            return false;
        }

        seq = BinaryPrimitives.ReadInt64BigEndian(bytes);
        kind = Encoding.ASCII.GetString(bytes.AsSpan(8));

        // A token is client input: only what this server could have written reaches the store.
        return seq >= 0 && CheckpointKinds.IsKnown(kind);
    }
}
