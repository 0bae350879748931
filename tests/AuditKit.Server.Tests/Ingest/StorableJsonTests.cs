namespace AuditKit.Server.Tests.Ingest;

public sealed class StorableJsonTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("0.000e99999999")]
    [InlineData("42")]
    [InlineData("-12.5")]
    [InlineData("1e308")]
    [InlineData("9.99e308")]
    [InlineData("-1.7976931348623157e308")]
    [InlineData("1e-308")]
    [InlineData("0.001e-305")]
    [InlineData("12345678901234567890123456789012345678901234567890")]
    [InlineData("1E+2")]
    public void A_number_within_the_range_is_storable(string number) =>
        StorableJson.IsStorableNumber(Encoding.ASCII.GetBytes(number)).ShouldBeTrue();

    [Theory]
    [InlineData("1e309")]
    [InlineData("10e308")]
    [InlineData("1e-309")]
    [InlineData("0.01e-307")]
    [InlineData("1e200000")]
    [InlineData("-1e-20000")]
    [InlineData("1e99999999999999999999999")]
    [InlineData("1e-99999999999999999999999")]
    public void A_number_beyond_the_range_is_not(string number) =>
        StorableJson.IsStorableNumber(Encoding.ASCII.GetBytes(number)).ShouldBeFalse();

    [Fact]
    public void A_number_longer_than_the_limit_is_not_storable_even_when_small()
    {
        var longest = "0." + new string('1', StorableJson.MaxNumberLength - 2);

        StorableJson.IsStorableNumber(Encoding.ASCII.GetBytes(longest)).ShouldBeTrue();
        StorableJson.IsStorableNumber(Encoding.ASCII.GetBytes(longest + "1")).ShouldBeFalse();
    }
}
