using System.Text.Json.Nodes;

namespace OaiqPixel.Tests;

/// <summary>
/// For any valid event, the pixel call and the Conversions API event agree on name, id, custom name and every data
/// field they share; the Conversions API copy only adds its own fields.
/// </summary>
public class RoundTripPropertyTests
{
    private static readonly string[] s_currencies = ["USD", "EUR", "JPY", "KWD", "IDR", "GBP", "CLF"];
    private static readonly string[] s_words = ["sku_1", "Starter bundle", "Café", "</script>", "a\"b", "\u2028", "Ştefan", "x"];

    [Fact]
    public void PixelAndConversionsApiSerializations_Agree_ForRandomEvents()
    {
        var random = new Random(20261126);
        for (var i = 0; i < 2_000; i++)
        {
            var e = RandomEvent(random, i);
            if (!e.Event.IsPixelEvent)
            {
                Assert.Throws<ArgumentException>(() => PixelScriptWriter.MeasureCall(e));
                continue;
            }

            var args = PixelCall.ParseArguments(PixelScriptWriter.MeasureCall(e));
            var capi = JsonNode.Parse(ConversionsApiSerializer.SerializeEvent(e))!;

            Assert.Equal("measure", args[0]!.GetValue<string>());
            Assert.Equal(capi["type"]!.GetValue<string>(), args[1]!.GetValue<string>());
            var options = args[3]!;
            Assert.Equal(capi["id"]!.GetValue<string>(), options["event_id"]!.GetValue<string>());
            Assert.Equal(capi["custom_event_name"]?.GetValue<string>(), options["custom_event_name"]?.GetValue<string>());
            Assert.Equal(capi["opt_out"]?.GetValue<bool>(), options["opt_out"]?.GetValue<bool>());

            var expectedPixelData = StripConversionsApiOnly(capi["data"]!.DeepClone().AsObject());
            PixelCall.AssertJsonEqual(expectedPixelData, args[2]);
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
                .Select(i => RandomEvent(random, (batch * 100) + i, now))
                .ToArray();
            var body = System.Text.Json.JsonDocument.Parse(ConversionsApiSerializer.SerializeBatch(events, validateOnly: random.Next(2) == 0, integrationSource: "oaiqpixel")).RootElement;
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

    private static ConversionEvent RandomEvent(Random random, int i, DateTimeOffset? now = null)
    {
        var name = OaiqEventNames.All[random.Next(OaiqEventNames.All.Count)];
        OaiqEventNames.TryGetDataType(name, out var shape);
        Money? amount = random.Next(3) == 0 ? null : Money.FromMinorUnits(random.NextInt64(0, 10_000_000), s_currencies[random.Next(s_currencies.Length)]);
        var contents = Enumerable.Range(0, random.Next(4)).Select(_ => RandomContent(random)).ToArray();
        string? planId = random.Next(2) == 0 ? null : Word(random);
        EventData data = shape switch
        {
            EventDataType.Contents => new ContentsData { Amount = amount, Contents = contents },
            EventDataType.CustomerAction => new CustomerActionData { Amount = amount },
            EventDataType.PlanEnrollment => new PlanEnrollmentData { Amount = amount, Contents = contents, PlanId = planId },
            _ => RandomCustom(random, amount, contents, planId),
        };

        var evt = OaiqEvent.Create(name, data, shape == EventDataType.Custom ? $"custom_{random.Next(1000)}" : null);
        var timestamp = now is { } at ? at.AddMinutes(-random.Next(0, 9 * 24 * 60) / 1.3) : DateTimeOffset.UnixEpoch.AddDays(random.Next(20000));
        var isApp = name is OaiqEventNames.AppInstalled or OaiqEventNames.AppOpened;
        return new ConversionEvent(evt, random.Next(2) == 0 ? EventIds.New() : $"order_{i}", timestamp)
        {
            ActionSource = isApp ? ActionSource.MobileApp : null,
            OptOut = random.Next(4) == 0,
            Oppref = random.Next(2) == 0 ? null : "gAAAAAb" + i + "==",
            SourceUrl = "https://shop.example.com/p/" + i,
            User = random.Next(2) == 0 ? null : UserData.FromEmail($"u{i}@example.com").WithIpAddress("203.0.113.9"),
        };
    }

    private static CustomData RandomCustom(Random random, Money? amount, Content[] contents, string? planId)
    {
        var custom = new CustomData { Amount = amount, Contents = contents, PlanId = planId };
        for (var p = random.Next(3); p > 0; p--)
        {
            custom = custom.WithProperty("prop_" + p, Word(random));
        }

        return custom;
    }

    private static Content RandomContent(Random random) => new()
    {
        Id = random.Next(2) == 0 ? null : Word(random),
        GroupId = random.Next(3) == 0 ? Word(random) : null,
        Name = random.Next(2) == 0 ? null : Word(random),
        ContentType = random.Next(2) == 0 ? null : "product",
        Quantity = random.Next(2) == 0 ? null : random.Next(0, 100),
        Amount = random.Next(2) == 0 ? null : Money.FromMinorUnits(random.Next(0, 100_000), "USD"),
        Variant = random.Next(3) == 0 ? new Dictionary<string, string> { ["size"] = Word(random) } : null,
    };

    private static string Word(Random random) => s_words[random.Next(s_words.Length)];
}
