namespace AuditKit.Server.Tests.Integrity;

/// <summary>The digests erasure stores leave an event's canonical bytes as they were, whatever personal fields it had.</summary>
public sealed class ErasureDigestTests
{
    [Theory]
    [InlineData(true, true, true, true, true)]
    [InlineData(true, false, false, true, false)]
    [InlineData(true, false, false, false, false)]
    public void Erasing_keeps_the_canonical_bytes(bool userId, bool username, bool email, bool ip, bool agent)
    {
        var row = IntegrityTestRows.Row(7);
        row.Salt = RandomNumberGenerator.GetBytes(AuditEventCanonicalForm.SaltLength);
        row.UserId = userId ? "alice" : null;
        row.Username = username ? "Alice Martin" : null;
        row.UserEmail = email ? "alice@example.com" : null;
        row.IpAddress = ip ? "203.0.113.7" : null;
        row.UserAgent = agent ? "Mozilla/5.0 (Élan)" : null;
        var before = AuditEventCanonicalForm.Encode(row);

        row.PersonalDigests = RelationalErasureStore.Digests(row.Salt, [], [row.UserId, row.Username, row.UserEmail, row.IpAddress, row.UserAgent]);
        (row.UserId, row.Username, row.UserEmail, row.IpAddress, row.UserAgent, row.Salt) = (null, null, null, null, null, null);

        AuditEventCanonicalForm.Encode(row).ShouldBe(before);
        row.PersonalDigests.Length.ShouldBe(new[] { userId, username, email, ip, agent }.Count(static b => b) * (2 + AuditEventCanonicalForm.HashLength));
    }

    [Fact]
    public void Dropping_the_digests_changes_the_canonical_bytes()
    {
        var row = IntegrityTestRows.Row(7);
        row.UserId = "alice";
        var before = AuditEventCanonicalForm.Encode(row);
        row.UserId = null;

        AuditEventCanonicalForm.Encode(row).ShouldNotBe(before);
    }
}
