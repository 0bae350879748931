using System.Buffers.Text;

namespace AuditKit.Server.Integrity;

/// <summary>A signed checkpoint as the API shows it.</summary>
/// <param name="TenantId">Its tenant.</param>
/// <param name="Seq">The seq of the chain head it signs.</param>
/// <param name="Hash">The chain hash at that seq, lower-case hex.</param>
/// <param name="SignedAt">When it was signed (microsecond precision, UTC).</param>
/// <param name="KeyId">The key that signed it (see <c>/api/v1/integrity/public-keys</c>).</param>
/// <param name="Signature">ECDSA P-256 over SHA-256 of the signed bytes, IEEE P1363 (r || s), base64url without padding.</param>
/// <param name="Kind"><c>periodic</c>, <c>shutdown</c> or <c>anchor</c>.</param>
internal sealed record CheckpointResponse(string TenantId, long Seq, string Hash, DateTimeOffset SignedAt, string KeyId, string Signature, string Kind)
{
    public static CheckpointResponse From(CheckpointRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new CheckpointResponse(
            row.TenantId, row.Seq, Convert.ToHexStringLower(row.Hash), row.SignedAt, row.KeyId, Base64Url.EncodeToString(row.Signature), row.Kind);
    }
}
