namespace AuditKit.Server.Integrity;

/// <summary>Reads the current head of every tenant's hash chain, for the checkpoint job to sign.</summary>
internal interface IChainHeadReader
{
    IAsyncEnumerable<ChainHead> ReadHeadsAsync(CancellationToken cancellationToken);
}
