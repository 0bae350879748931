namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// <see cref="ReusedSha256"/> keeps one hash object per thread: a hash that fails part-way must not leave its input
/// in that object for the next hash on the thread, and every hash equals the one-shot SHA-256 of its input.
/// </summary>
public sealed class ReusedSha256Tests
{
    [Fact]
    public void A_hash_equals_the_one_shot_hash_each_time_on_one_thread()
    {
        var destination = new byte[SHA256.HashSizeInBytes];
        foreach (var text in new[] { "", "a", "event one", "event one" })
        {
            var data = Encoding.UTF8.GetBytes(text);
            ReusedSha256.Hash(data, destination);
            destination.ShouldBe(SHA256.HashData(data), text);
        }
    }

    [Fact]
    public void A_hash_that_fails_does_not_poison_the_next_hash_on_its_thread()
    {
        var first = Encoding.UTF8.GetBytes("input of the failed hash");
        var next = Encoding.UTF8.GetBytes("the next input");
        var destination = new byte[SHA256.HashSizeInBytes];

        // Run on a thread of its own, so the failed hash and the next one share the thread's hash object.
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            ReusedSha256.Hash(next, destination);
            failure = Record.Exception(() => ReusedSha256.Hash(first, new byte[SHA256.HashSizeInBytes - 1]));
            ReusedSha256.Hash(next, destination);
        });
        thread.Start();
        thread.Join();

        failure.ShouldBeAssignableTo<ArgumentException>();
        destination.ShouldBe(SHA256.HashData(next));
    }
}
