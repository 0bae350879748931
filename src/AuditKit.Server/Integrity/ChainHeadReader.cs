using System.Runtime.CompilerServices;

namespace AuditKit.Server.Integrity;

/// <summary>The chain's heads as the checkpoint job signs them, read from <c>audit_chain_heads</c>.</summary>
internal sealed class ChainHeadReader(IAuditChainStore store) : IChainHeadReader
{
    public async IAsyncEnumerable<ChainHead> ReadHeadsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (tenantId, seq, hash) in store.ReadHeadsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new ChainHead(tenantId, seq, hash);
        }
    }
}
