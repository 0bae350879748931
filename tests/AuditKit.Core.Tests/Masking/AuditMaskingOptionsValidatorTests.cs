namespace AuditKit.Core.Tests.Masking;

public sealed class AuditMaskingOptionsValidatorTests
{
    private readonly AuditMaskingOptionsValidator _validator = new();

    [Fact]
    public void Defaults_are_valid() => _validator.Validate(null, new AuditMaskingOptions()).Succeeded.ShouldBeTrue();

    [Fact]
    public void Hash_as_the_default_style_needs_a_key()
    {
        var result = _validator.Validate(null, new AuditMaskingOptions { DefaultStyle = MaskStyle.Hash });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("HmacKey");
        _validator.Validate(null, new AuditMaskingOptions { DefaultStyle = MaskStyle.Hash, HmacKey = "0123456789abcdef" }).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("short")]
    [InlineData("c2hvcnQ=")]
    public void Rejects_short_keys(string key)
        => _validator.Validate(null, new AuditMaskingOptions { HmacKey = key }).Failed.ShouldBeTrue();

    [Fact]
    public void Rejects_an_empty_redaction_text_and_a_negative_keep_last()
    {
        _validator.Validate(null, new AuditMaskingOptions { RedactedText = "" }).Failed.ShouldBeTrue();
        _validator.Validate(null, new AuditMaskingOptions { PartialKeepLast = -1 }).Failed.ShouldBeTrue();
    }

    [Fact]
    public void The_attribute_carries_its_style_and_kept_characters()
    {
        var attribute = new AuditSensitiveAttribute(MaskStyle.Partial, 4);
        attribute.Style.ShouldBe(MaskStyle.Partial);
        attribute.KeepLast.ShouldBe(4);
        new AuditSensitiveAttribute().Style.ShouldBe(MaskStyle.Redact);
        new AuditSensitiveAttribute().KeepLast.ShouldBeNull();
        Should.Throw<ArgumentOutOfRangeException>(() => new AuditSensitiveAttribute(MaskStyle.Partial, -1));
    }
}
