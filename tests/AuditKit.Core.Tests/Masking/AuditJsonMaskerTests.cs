using System.Buffers;

namespace AuditKit.Core.Tests.Masking;

public sealed class AuditJsonMaskerTests
{
    private static readonly AuditJsonMasker s_masker = new(new AuditMasker(Options.Create(new AuditMaskingOptions())));

    [Fact]
    public void Masks_sensitive_properties_at_any_depth_and_keeps_the_rest()
    {
        const string json = """
            {"user":"alice","password":"hunter2","profile":{"ssn":"123-45-6789","city":"Paris",
             "cards":[{"cardNumber":"4111111111111111","label":"main"}]},"api_key":{"id":1,"secret":"s"},
             "count":3,"ok":true,"none":null}
            """;

        var masked = s_masker.MaskJson(json);

        masked.ShouldNotBeNull();
        var root = JsonNode.Parse(masked)!;
        root["user"]!.GetValue<string>().ShouldBe("alice");
        root["password"]!.GetValue<string>().ShouldBe("***");
        root["profile"]!["ssn"]!.GetValue<string>().ShouldBe("***");
        root["profile"]!["city"]!.GetValue<string>().ShouldBe("Paris");
        root["profile"]!["cards"]![0]!["cardNumber"]!.GetValue<string>().ShouldBe("***");
        root["profile"]!["cards"]![0]!["label"]!.GetValue<string>().ShouldBe("main");
        root["api_key"]!.GetValue<string>().ShouldBe("***");
        root["count"]!.GetValue<int>().ShouldBe(3);
        root["ok"]!.GetValue<bool>().ShouldBeTrue();
        masked.ShouldNotContain("hunter2");
        masked.ShouldNotContain("4111111111111111");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"password\":")]
    [InlineData("not json")]
    [InlineData("{\"a\":1}}")]
    public void Refuses_invalid_JSON(string json)
    {
        s_masker.MaskJson(json).ShouldBeNull();
        s_masker.TryMask(Encoding.UTF8.GetBytes(json), new ArrayBufferWriter<byte>()).ShouldBeFalse();
    }

    [Fact]
    public void Masks_a_node_tree_in_place()
    {
        var node = JsonNode.Parse("""{"name":"x","token":"abc","nested":[{"Authorization":"Bearer y"}]}""")!;

        s_masker.MaskInPlace(node);

        node["name"]!.GetValue<string>().ShouldBe("x");
        node["token"]!.GetValue<string>().ShouldBe("***");
        node["nested"]![0]!["Authorization"]!.GetValue<string>().ShouldBe("***");
    }

    [Fact]
    public void Masks_whole_values_with_a_style()
    {
        var masker = new AuditJsonMasker(new AuditMasker(Options.Create(new AuditMaskingOptions { HmacKey = "a-sufficiently-long-key" })));

        masker.MaskValue(JsonValue.Create("123-45-6789"), MaskStyle.Partial, 4)!.GetValue<string>().ShouldBe("*******6789");
        masker.MaskValue(JsonValue.Create(1234567890), MaskStyle.Partial, 2)!.GetValue<string>().ShouldBe("********90");
        masker.MaskValue(null, MaskStyle.Redact).ShouldBeNull();
        var first = masker.MaskValue(JsonValue.Create("same"), MaskStyle.Hash)!.GetValue<string>();
        first.ShouldStartWith("hmac:");
        masker.MaskValue(JsonValue.Create("same"), MaskStyle.Hash)!.GetValue<string>().ShouldBe(first);
        masker.MaskValue(JsonValue.Create("other"), MaskStyle.Hash)!.GetValue<string>().ShouldNotBe(first);
    }
}
