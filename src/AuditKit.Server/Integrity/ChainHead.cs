namespace AuditKit.Server.Integrity;

/// <summary>The head of a tenant's hash chain: its last event's <c>seq</c> and chain <c>hash</c> (32 bytes).</summary>
internal sealed record ChainHead(string TenantId, long Seq, byte[] Hash);
