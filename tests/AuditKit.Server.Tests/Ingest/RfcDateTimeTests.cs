namespace AuditKit.Server.Tests.Ingest;

public sealed class RfcDateTimeTests
{
    [Theory]
    [InlineData("2024-05-01T12:30:00Z", "2024-05-01T12:30:00.0000000+00:00")]
    [InlineData("2024-05-01T14:30:00.123+02:00", "2024-05-01T12:30:00.1230000+00:00")]
    [InlineData("2024-05-01T14:30:00 02:00", "2024-05-01T12:30:00.0000000+00:00")]
    [InlineData("2024-05-01T12:30:00.123456789Z", "2024-05-01T12:30:00.1234567+00:00")]
    [InlineData("2024-05-01T12:30:00", "2024-05-01T12:30:00.0000000+00:00")]
    [InlineData("2024-05-01 12:30:00.5", "2024-05-01T12:30:00.5000000+00:00")]
    [InlineData("2024-05-01", "2024-05-01T00:00:00.0000000+00:00")]
    public void Parses_rfc3339_into_utc(string text, string expected)
    {
        RfcDateTime.TryParse(text, out var value).ShouldBeTrue();

        value.ToString("O", System.Globalization.CultureInfo.InvariantCulture).ShouldBe(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("05/01/2024")]
    [InlineData("2024-13-01T00:00:00Z")]
    [InlineData("1714566600")]
    public void Rejects_anything_else(string text) => RfcDateTime.TryParse(text, out _).ShouldBeFalse();
}
