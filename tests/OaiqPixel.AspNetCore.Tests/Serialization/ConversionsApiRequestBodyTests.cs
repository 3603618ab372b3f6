using System.Text;
using System.Text.Json.Nodes;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Tests.Serialization;

public class ConversionsApiRequestBodyTests
{
    private static ConversionEvent Lead(int i) =>
        new(OaiqEvent.LeadCreated(), $"lead_{i}", DateTimeOffset.UnixEpoch) { SourceUrl = "https://a.example/" };

    [Fact]
    public void Body_IsTheEnvelopeAroundTheRecords_ByteForByte()
    {
        var records = new[] { ConversionEventRecord.Create(Lead(1), "px"), ConversionEventRecord.Create(Lead(2), "px") };
        var buffer = new byte[ConversionsApiRequestBody.MaxLength(records, "oaiqpixel-dotnet")];
        var written = buffer.AsSpan(0, ConversionsApiRequestBody.Write(buffer, records, validateOnly: true, integrationSource: "oaiqpixel-dotnet"));

        var expected = "{\"validate_only\":true,\"integration_source\":\"oaiqpixel-dotnet\",\"events\":["
            + Encoding.UTF8.GetString(records[0].Json.Span) + "," + Encoding.UTF8.GetString(records[1].Json.Span) + "]}";
        Assert.Equal(expected, Encoding.UTF8.GetString(written));
        var body = JsonNode.Parse(written)!;
        Assert.Equal(["lead_1", "lead_2"], body["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToArray());
    }

    [Fact]
    public void Body_WithoutIntegrationSource_OmitsIt()
    {
        var body = JsonNode.Parse(Wire.Batch([Lead(1)]))!.AsObject();
        Assert.Equal(["validate_only", "events"], body.Select(p => p.Key).ToArray());
        Assert.False(body["validate_only"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("shopify.app", true)]
    [InlineData("a_b-c.d9", true)]
    [InlineData("-leading", false)]
    [InlineData("has space", false)]
    [InlineData("caf\u00e9", false)]
    [InlineData("quote\"", false)]
    public void IntegrationSource_IsChecked(string value, bool valid) =>
        Assert.Equal(valid, ConversionsApiRequestBody.IsValidIntegrationSource(value));

    [Fact]
    public void IntegrationSource_Of65Characters_IsRefused()
    {
        Assert.True(ConversionsApiRequestBody.IsValidIntegrationSource(new string('a', 64)));
        Assert.False(ConversionsApiRequestBody.IsValidIntegrationSource(new string('a', 65)));
    }

    [Fact]
    public void Body_IsUtf8WithRawNonAsciiText()
    {
        var e = new ConversionEvent(OaiqEvent.ContentsViewed(new ContentsData { Contents = [new Content { Name = "Café \u2028 <b>" }] }), "c", DateTimeOffset.UnixEpoch)
        {
            SourceUrl = "https://a.example/",
        };
        var body = Wire.Batch([e]);
        var parsed = JsonNode.Parse(body)!;
        Assert.Equal("Café \u2028 <b>", parsed["events"]![0]!["data"]!["contents"]![0]!["name"]!.GetValue<string>());
        Assert.Contains("Café", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public void OptOutFalse_IsOmitted_AndEmptyUserIsOmitted()
    {
        var json = JsonNode.Parse(Wire.Event(new ConversionEvent(OaiqEvent.LeadCreated(), "x", DateTimeOffset.UnixEpoch)
        {
            ActionSource = ActionSource.PhoneCall,
            User = UserData.Empty,
        }))!.AsObject();
        Assert.Equal(["id", "type", "timestamp_ms", "action_source", "data"], json.Select(p => p.Key).ToArray());
        Assert.Equal("phone_call", json["action_source"]!.GetValue<string>());
    }
}
