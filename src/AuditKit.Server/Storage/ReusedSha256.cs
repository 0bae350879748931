using System.Security.Cryptography;

namespace AuditKit.Server.Storage;

/// <summary>
/// SHA-256 from one hash object per thread, reset after each use, instead of a one-shot call that sets up a new
/// native digest context every time: the chain hashes an event and each of its personal fields, several times per
/// event on the insert path. Synchronous only (nothing awaits between the data and the hash), so a thread's object
/// is never used by two hashes at once.
/// </summary>
/// <remarks>
/// Lifetime: a thread's object lives as long as the thread (thread-pool threads live for the process) and is not
/// disposed when the thread ends; its native digest context is released by its safe handle's finalizer once the
/// thread is gone and the object collected. A hash that throws part-way (after its data is appended, before the
/// digest is taken and the object reset) disposes the thread's object and clears it, so the next hash on the thread
/// starts from a new one and never includes a failed input.
/// </remarks>
internal static class ReusedSha256
{
    [ThreadStatic]
    private static IncrementalHash? t_hash;

    /// <summary>Writes SHA-256(<paramref name="data"/>) to <paramref name="destination"/> (32 bytes).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
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
