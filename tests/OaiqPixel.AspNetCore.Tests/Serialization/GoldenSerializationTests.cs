using OaiqPixel.AspNetCore.Rendering;
using System.Text;
using System.Text.Json.Nodes;

namespace OaiqPixel.AspNetCore.Tests.Serialization;

/// <summary>The spec's own examples (openai-ads-spec.md §2.1, §4.3) in both wire formats.</summary>
public class GoldenSerializationTests
{
    private static ConversionEvent SpecOrder() =>
        new(
            OaiqEvent.OrderCreated(new ContentsData
            {
                Amount = Money.FromMinorUnits(2599, "USD"),
                Contents = [new Content { Id = "sku_123", Name = "Starter bundle", ContentType = "product", Quantity = 1 }],
            }),
            "order_12345",
            DateTimeOffset.FromUnixTimeMilliseconds(1773892800000))
        {
            Oppref = "oppref_abc",
            SourceUrl = "https://shop.example.com/checkout/confirmation",
            ActionSource = ActionSource.Web,
            User = UserData.Empty
                .WithObref("123e4567-e89b-42d3-a456-426614174000")
                .WithEmail("user@example.com")
                .WithExternalId("customer_123")
                .WithCountry("US")
                .WithCity("San Francisco")
                .WithPostalCode("94107")
                .WithIpAddress("203.0.113.1")
                .WithUserAgent("Mozilla/5.0"),
        };

    private static readonly string SpecOrderBody = OaiqPixel.Testing.SpecExamples.OrderBody(1773892800000);

    [Fact]
    public void SpecOrderExample_SerializesToTheDocumentedBody()
    {
        var body = Encoding.UTF8.GetString(Wire.Batch([SpecOrder()]));
        JsonAssert.Equal(SpecOrderBody, JsonNode.Parse(body));
        // Same field order as the documented example, minified.
        Assert.Equal(JsonNode.Parse(SpecOrderBody)!.ToJsonString(), body);
    }

    [Fact]
    public void SpecAppEventExample_Serializes()
    {
        var e = new ConversionEvent(OaiqEvent.AppInstalled(), "app_installed_123", DateTimeOffset.FromUnixTimeMilliseconds(1773892800000))
        {
            ActionSource = ActionSource.MobileApp,
        };
        Assert.Equal(
            """{"id":"app_installed_123","type":"app_installed","timestamp_ms":1773892800000,"action_source":"mobile_app","data":{"type":"customer_action"}}""",
            Wire.Event(e));
    }

    [Fact]
    public void CustomEvent_SerializesWithCustomNameAtEventLevelAndFreeProperties()
    {
        var data = new CustomData { PlanId = "pro", Amount = Money.FromMinorUnits(1000, "EUR") }
            .WithProperty("form", "footer")
            .WithProperty("extra", JsonAssert.Element("""{"a":[1,null,true]}"""));
        var e = new ConversionEvent(OaiqEvent.Custom("quote_requested", data), "q_1", DateTimeOffset.FromUnixTimeMilliseconds(1773892800000))
        {
            SourceUrl = "https://shop.example.com/quote",
        };
        JsonAssert.Equal(
            """
            {"id":"q_1","type":"custom","timestamp_ms":1773892800000,"custom_event_name":"quote_requested",
             "source_url":"https://shop.example.com/quote","action_source":"web",
             "data":{"type":"custom","plan_id":"pro","amount":1000,"currency":"EUR","form":"footer","extra":{"a":[1,null,true]}}}
            """,
            JsonNode.Parse(Wire.Event(e)));
    }

    [Fact]
    public void SpecMinimalCustomMeasure_MatchesTheDocumentedCall()
    {
        // Documented: oaiq("measure", "custom", { type: "custom" }, { custom_event_name: "quote_requested" });
        var e = new ConversionEvent(OaiqEvent.Custom("quote_requested"), "q_1", DateTimeOffset.UnixEpoch);
        var args = PixelCall.ParseCall(Wire.MeasureCall(e)).Nodes;
        JsonAssert.Equal("""["measure","custom",{"type":"custom"},{"event_id":"q_1","custom_event_name":"quote_requested"}]""", args);
    }

    [Fact]
    public void SpecOrder_PixelForm_IsTheMeasureCallWithoutServerFields()
    {
        var call = Wire.MeasureCall(SpecOrder());
        Assert.Equal(
            """oaiq("measure","order_created",{"type":"contents","amount":2599,"currency":"USD","contents":[{"id":"sku_123","name":"Starter bundle","content_type":"product","quantity":1}]},{"event_id":"order_12345"});""" + "\n",
            call);
        Assert.DoesNotContain("oppref", call, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113.1", call, StringComparison.Ordinal);
    }

    [Fact]
    public void PixelForm_StripsConversionsApiOnlyFields()
    {
        var data = new CustomData
        {
            Contents = [new Content { Id = "sku", GroupId = "grp", Variant = new Dictionary<string, string> { ["size"] = "m" } }],
        }.WithProperty("secret_field", "x");
        var e = new ConversionEvent(OaiqEvent.Custom("n", data), "id1", DateTimeOffset.UnixEpoch) { OptOut = true };
        var args = PixelCall.ParseCall(Wire.MeasureCall(e)).Nodes;
        JsonAssert.Equal("""["measure","custom",{"type":"custom","contents":[{"id":"sku"}]},{"event_id":"id1","custom_event_name":"n","opt_out":true}]""", args);

        var capi = JsonNode.Parse(Wire.Event(e))!;
        JsonAssert.Equal("""{"id":"sku","group_id":"grp","variant_dict":{"size":"m"}}""", capi["data"]!["contents"]![0]);
        Assert.Equal("x", capi["data"]!["secret_field"]!.GetValue<string>());
        Assert.True(capi["opt_out"]!.GetValue<bool>());
    }

    [Fact]
    public void PixelInit_UsesSingularKeysAndNeverServerOnlyFields()
    {
        var user = UserData.FromEmail("user@example.com")
            .WithEmail("second@example.com")
            .WithPhoneNumber("+1 (415) 555-2671")
            .WithExternalId("customer_123")
            .WithFirstName("Ada")
            .WithLastName("Lovelace")
            .WithCountry("us")
            .WithCity("London")
            .WithRegion("Greater London")
            .WithPostalCode("SW1A 1AA")
            .WithObref("obref-value")
            .WithIpAddress("203.0.113.1")
            .WithUserAgent("UA");
        var text = Wire.Call(PixelScriptWriter.InitArguments("px_1", debug: true, user));
        JsonAssert.Equal(
            """
            ["init",{"pixelId":"px_1","debug":true,"user":{
              "email_sha256":"b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514",
              "phone_number_sha256":"758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0",
              "external_id_sha256":"18f69bcd2f9cc9c38195e722b2a5590429840ea5090971d2256e026926e55fa1",
              "first_name_sha256":"fdee430d40bd57deeac186cd9790033d0f06f909a8806e7ce6e717ab7c7d5029",
              "last_name_sha256":"fb1e7ec987523d2cb9e022cec1d6ae7c99dc46edfae4fe51254025fe4bea571f",
              "country":"US","city":"London","region":"Greater London","postal_code":"SW1A 1AA"}}]
            """,
            PixelCall.ParseCall(text).Nodes);
        Assert.DoesNotContain("obref", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ConversionsApiUser_UsesPluralListsInSpecOrder()
    {
        var user = UserData.FromEmail("user@example.com").WithEmail("USER@example.com ").WithEmail("b@example.com")
            .WithPhoneNumber("14155552671").WithFirstName("Ada").WithLastName("Lovelace").WithRegion("CA")
            .WithAndroidAdvertisingId("38400000-8CF0-11BD-B23E-10B96E40000D");
        var e = new ConversionEvent(OaiqEvent.LeadCreated(), "l1", DateTimeOffset.UnixEpoch) { ActionSource = ActionSource.Offline, User = user };
        var json = JsonNode.Parse(Wire.Event(e))!["user"]!.AsObject();
        Assert.Equal(
            ["emails_sha256", "phone_numbers_sha256", "first_names_sha256", "last_names_sha256", "regions", "android_advertising_id"],
            json.Select(p => p.Key).ToArray());
        Assert.Equal(2, json["emails_sha256"]!.AsArray().Count);
        Assert.Equal("38400000-8cf0-11bd-b23e-10b96e40000d", json["android_advertising_id"]!.GetValue<string>());
    }

    [Fact]
    public void Loader_IsTheOfficialSnippetWithTheConfiguredUrl()
    {
        var text = PixelScriptWriter.Loader("https://bzrcdn.openai.com/sdk/oaiq.min.js") + Wire.Call(PixelScriptWriter.ConsentArguments(true));
        Assert.Contains("if(w.oaiq)return;", text, StringComparison.Ordinal);
        Assert.Contains("(window,document,\"script\",\"https://bzrcdn.openai.com/sdk/oaiq.min.js\");", text, StringComparison.Ordinal);
        Assert.EndsWith("oaiq(\"consent\",true);\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("//evil.example/sdk.js")]
    [InlineData("javascript:alert(1)")]
    [InlineData("sdk.js")]
    [InlineData("/\\evil.example")]
    public void Loader_RefusesUnsafeSdkUrls(string url)
    {
        Assert.Throws<ArgumentException>(() => PixelScriptWriter.Loader(url));
    }

    [Fact]
    public void Measure_AppEvent_IsRefusedForThePixel()
    {
        var e = new ConversionEvent(OaiqEvent.AppOpened(), "a", DateTimeOffset.UnixEpoch);
        var error = Assert.Throws<ArgumentException>(() => Wire.MeasureCall(e));
        Assert.Contains("Conversions API-only", error.Message, StringComparison.Ordinal);
    }
}
