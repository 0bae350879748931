using System.Collections.Concurrent;

namespace AuditKit.Server.Auth;

/// <summary>
/// Finds the live API key for a presented key's hash, from memory when it can. Looking a key up in the database on
/// every request cost two thirds of the batch endpoint's thread time; instead, live keys are kept once found, and the
/// key set's version (<see cref="ITenantStore.GetKeySetVersionAsync"/>, bumped in the transaction of every key change
/// on any process) is read at most once per <see cref="ApiKeyLookupOptions.RevocationCheckInterval"/>, before a
/// cached key is trusted: when it moved, everything cached is dropped. A key revoked on any process is therefore
/// refused by every process from at most that interval after the revocation committed.
/// </summary>
internal sealed class ApiKeyLookup(ITenantStore store, IOptions<ApiKeyLookupOptions> options, TimeProvider time) : IDisposable
{
    private readonly ApiKeyLookupOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, ApiKeyRecord> _keys = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _checking = new(1, 1);
    private readonly Lock _gate = new();

    // Bumped each time the cache is dropped: a lookup that started before a drop must not put back what it read.
    private long _generation;
    private long _version = -1;
    private long _checkedAt;
    private bool _checked;

    /// <summary>The live key whose SHA-256 (lower-case hex) is <paramref name="keyHash"/>, or null.</summary>
    public async ValueTask<ApiKeyRecord?> FindAsync(string keyHash, CancellationToken cancellationToken)
    {
        if (!_options.Cache)
        {
            return await store.FindKeyByHashAsync(keyHash, cancellationToken).ConfigureAwait(false);
        }

        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        var generation = Interlocked.Read(ref _generation);
        if (_keys.TryGetValue(keyHash, out var cached))
        {
            return cached;
        }

        var record = await store.FindKeyByHashAsync(keyHash, cancellationToken).ConfigureAwait(false);
        if (record is not null)
        {
            lock (_gate)
            {
                if (_generation == generation)
                {
                    if (_keys.Count >= _options.CacheSize)
                    {
                        _keys.Clear();
                    }

                    _keys[keyHash] = record;
                }
            }
        }

        return record;
    }

    /// <summary>Drops every cached key: called by this process right after it changed the key set.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _keys.Clear();
            _generation++;
        }
    }

    public void Dispose() => _checking.Dispose();

    private bool IsCheckDue() => !Volatile.Read(ref _checked) || time.GetElapsedTime(Interlocked.Read(ref _checkedAt)) >= _options.RevocationCheckInterval;

    private async ValueTask EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        if (!IsCheckDue())
        {
            return;
        }

        // Requests arriving while the version is read wait for it rather than trust what may be stale.
        await _checking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!IsCheckDue())
            {
                return;
            }

            // Timed from before the read, so the bound holds however long the read takes.
            var started = time.GetTimestamp();
            var version = await store.GetKeySetVersionAsync(cancellationToken).ConfigureAwait(false);
            if (version != _version)
            {
                Invalidate();
                _version = version;
            }

            Interlocked.Exchange(ref _checkedAt, started);
            Volatile.Write(ref _checked, true);
        }
        finally
        {
            _checking.Release();
        }
    }
}
