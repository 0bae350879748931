using System.Security.Cryptography;

namespace AuditKit.Server.Storage;

/// <summary>
/// SHA-256 from one hash object per thread, reset after each use, instead of a one-shot call that sets up a new
/// native digest context every time: the chain hashes an event and each of its personal fields, several times per
/// event on the insert path. Synchronous only (nothing awaits between the data and the hash).
/// </summary>
internal static class ReusedSha256
{
    [ThreadStatic]
    private static IncrementalHash? t_hash;

    /// <summary>Writes SHA-256(<paramref name="data"/>) to <paramref name="destination"/> (32 bytes).</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hash = t_hash ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            hash.AppendData(data);
            hash.GetHashAndReset(destination);
        }
        catch
        {
            // Never reuse an object left holding part of an input.
            t_hash = null;
            hash.Dispose();
            throw;
        }
    }
}
