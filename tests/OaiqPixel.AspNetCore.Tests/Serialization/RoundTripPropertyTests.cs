using OaiqPixel.AspNetCore.Rendering;
using System.Text.Json.Nodes;

namespace OaiqPixel.AspNetCore.Tests.Serialization;

/// <summary>
/// For any valid event, the pixel call and the Conversions API event agree on name, id, custom name and every data
/// field they share; the Conversions API copy only adds its own fields.
/// </summary>
public class RoundTripPropertyTests
{
    [Fact]
    public void PixelAndConversionsApiSerializations_Agree_ForRandomEvents()
    {
        var random = new Random(20261126);
        for (var i = 0; i < 2_000; i++)
        {
            var e = RandomEvents.Next(random, i);
            if (!e.Event.IsPixelEvent)
            {
                Assert.Throws<ArgumentException>(() => Wire.MeasureCall(e));
                continue;
            }

            var args = PixelCall.ParseCall(Wire.MeasureCall(e)).Nodes;
            var capi = JsonNode.Parse(Wire.Event(e))!;

            Assert.Equal("measure", args[0]!.GetValue<string>());
            Assert.Equal(capi["type"]!.GetValue<string>(), args[1]!.GetValue<string>());
            var options = args[3]!;
            Assert.Equal(capi["id"]!.GetValue<string>(), options["event_id"]!.GetValue<string>());
            Assert.Equal(capi["custom_event_name"]?.GetValue<string>(), options["custom_event_name"]?.GetValue<string>());
            Assert.Equal(capi["opt_out"]?.GetValue<bool>(), options["opt_out"]?.GetValue<bool>());

            var expectedPixelData = StripConversionsApiOnly(capi["data"]!.DeepClone().AsObject());
            JsonAssert.Equal(expectedPixelData, args[2]);
        }
    }

    [Fact]
    public void ConversionsApiBatches_PassTheIndependentSpecValidator_ForRandomEvents()
    {
        var random = new Random(7);
        var now = DateTimeOffset.UtcNow;
        for (var batch = 0; batch < 40; batch++)
        {
            var events = Enumerable.Range(0, random.Next(1, 60))
                .Select(i => RandomEvents.Next(random, (batch * 100) + i, now))
                .ToArray();
            var body = System.Text.Json.JsonDocument.Parse(Wire.Batch(events, validateOnly: random.Next(2) == 0, integrationSource: "oaiqpixel")).RootElement;
            Assert.Null(OaiqPixel.Testing.ConversionsRequestValidator.Validate(body, now));
        }
    }

    private static JsonObject StripConversionsApiOnly(JsonObject data)
    {
        string[] shared = ["type", "plan_id", "amount", "currency", "contents"];
        foreach (var key in data.Select(p => p.Key).ToArray())
        {
            if (!shared.Contains(key))
            {
                data.Remove(key);
            }
        }

        if (data["contents"] is JsonArray contents)
        {
            foreach (var item in contents.OfType<JsonObject>())
            {
                item.Remove("group_id");
                item.Remove("variant_dict");
            }
        }

        return data;
    }
}
