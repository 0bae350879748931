namespace AuditKit.Server.Integrity;

/// <summary>A verification key as <c>GET /api/v1/integrity/public-keys</c> shows it.</summary>
/// <param name="KeyId">The id checkpoints name.</param>
/// <param name="Algorithm">Always <c>ES256</c> (ECDSA P-256, SHA-256).</param>
/// <param name="PublicKeyPem">The public key, a <c>PUBLIC KEY</c> PEM block (what <c>openssl dgst -verify</c> reads).</param>
/// <param name="Active">Whether it signs new checkpoints.</param>
internal sealed record SigningKeyResponse(string KeyId, string Algorithm, string PublicKeyPem, bool Active);

/// <summary>Every key checkpoints verify with: <c>{ "keys": [...] }</c>.</summary>
internal sealed record SigningKeyListResponse(IReadOnlyList<SigningKeyResponse> Keys);
