using System.Text;
using System.Text.Json.Nodes;

namespace OaiqPixel.Tests;

public class ConversionsApiSerializerTests
{
    private static ConversionEvent Lead(int i) =>
        new(OaiqEvent.LeadCreated(), $"lead_{i}", DateTimeOffset.UnixEpoch) { SourceUrl = "https://a.example/" };

    [Fact]
    public void Batch_WritesTheEnvelope()
    {
        var body = JsonNode.Parse(ConversionsApiSerializer.SerializeBatch([Lead(1), Lead(2)], validateOnly: true, integrationSource: "oaiqpixel-dotnet"))!;
        Assert.True(body["validate_only"]!.GetValue<bool>());
        Assert.Equal("oaiqpixel-dotnet", body["integration_source"]!.GetValue<string>());
        Assert.Equal(["lead_1", "lead_2"], body["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToArray());
    }

    [Fact]
    public void Batch_OfOneThousand_IsAccepted_OneThousandAndOne_IsNot()
    {
        var thousand = Enumerable.Range(0, 1000).Select(Lead).ToArray();
        Assert.Equal(1000, JsonNode.Parse(ConversionsApiSerializer.SerializeBatch(thousand))!["events"]!.AsArray().Count);

        var error = Assert.Throws<ArgumentException>(() => ConversionsApiSerializer.SerializeBatch([.. thousand, Lead(1000)]));
        Assert.Contains("1-1000 events; got 1001", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ConversionsApiSerializer.SerializeBatch([]));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("shopify.app", true)]
    [InlineData("a_b-c.d9", true)]
    [InlineData("-leading", false)]
    [InlineData("has space", false)]
    [InlineData("caf\u00e9", false)]
    public void IntegrationSource_IsChecked(string value, bool valid)
    {
        Assert.Equal(valid, ConversionsApiSerializer.IsValidIntegrationSource(value));
        if (!valid)
        {
            Assert.Throws<ArgumentException>(() => ConversionsApiSerializer.SerializeBatch([Lead(1)], integrationSource: value));
        }
    }

    [Fact]
    public void IntegrationSource_Of65Characters_IsRefused() =>
        Assert.False(ConversionsApiSerializer.IsValidIntegrationSource(new string('a', 65)));

    [Fact]
    public void Body_IsUtf8WithRawNonAsciiText()
    {
        var e = new ConversionEvent(OaiqEvent.ContentsViewed(new ContentsData { Contents = [new Content { Name = "Café \u2028 <b>" }] }), "c", DateTimeOffset.UnixEpoch)
        {
            SourceUrl = "https://a.example/",
        };
        var body = ConversionsApiSerializer.SerializeBatch([e]);
        var parsed = JsonNode.Parse(body)!;
        Assert.Equal("Café \u2028 <b>", parsed["events"]![0]!["data"]!["contents"]![0]!["name"]!.GetValue<string>());
        Assert.Contains("Café", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public void OptOutFalse_IsOmitted_AndEmptyUserIsOmitted()
    {
        var json = JsonNode.Parse(ConversionsApiSerializer.SerializeEvent(new ConversionEvent(OaiqEvent.LeadCreated(), "x", DateTimeOffset.UnixEpoch)
        {
            ActionSource = ActionSource.PhoneCall,
            User = UserData.Empty,
        }))!.AsObject();
        Assert.Equal(["id", "type", "timestamp_ms", "action_source", "data"], json.Select(p => p.Key).ToArray());
        Assert.Equal("phone_call", json["action_source"]!.GetValue<string>());
    }
}
