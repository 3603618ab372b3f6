using System.Text.Json;
using System.Text.Json.Nodes;

namespace OaiqPixel.Tests;

/// <summary>
/// The server leg's queue keeps events packed; what comes out must be the same event: the same Conversions API JSON,
/// the same pixel call, the same time and offset.
/// </summary>
public class ConversionEventPackerTests
{
    [Fact]
    public void PackThenUnpack_RandomEvents_WriteTheSameConversionsApiJsonAndPixelCall()
    {
        var random = new Random(20261127);
        for (var i = 0; i < 3_000; i++)
        {
            var original = RandomEvents.Next(random, i);

            var copy = ConversionEventPacker.Unpack(ConversionEventPacker.Pack(original));

            Assert.Equal(ConversionsApiSerializer.SerializeEvent(original), ConversionsApiSerializer.SerializeEvent(copy));
            Assert.Equal(original.Timestamp, copy.Timestamp);
            Assert.Equal(original.Timestamp.Offset, copy.Timestamp.Offset);
            if (original.Event.IsPixelEvent)
            {
                Assert.Equal(PixelScriptWriter.MeasureCall(original), PixelScriptWriter.MeasureCall(copy));
            }
        }
    }

    [Fact]
    public void WriteJson_RandomEvents_WritesExactlyWhatTheSerializerWritesForTheOriginal()
    {
        var random = new Random(20261128);
        for (var i = 0; i < 3_000; i++)
        {
            var original = RandomEvents.Next(random, i);

            Assert.Equal(ConversionsApiSerializer.SerializeEvent(original), JsonFromPacked(ConversionEventPacker.Pack(original)));
        }
    }

    [Fact]
    public void WriteBatchAndWritePackedBatch_RandomBatches_WriteExactlyWhatUtf8JsonWriterWritesForTheOriginals()
    {
        var random = new Random(20261126);
        var escaped = 0;
        for (var b = 0; b < 40; b++)
        {
            var events = Enumerable.Range(0, random.Next(1, 150)).Select(i => RandomEvents.Next(random, (b * 1_000) + i)).ToArray();
            var validateOnly = random.Next(2) == 0;
            var integrationSource = random.Next(3) == 0 ? "oaiqpixel-dotnet_0.1" : null;
            var json = ReferenceBody(events, validateOnly, integrationSource);
            var fromEvents = new ExactSizeBufferWriter();
            var fromQueue = new ExactSizeBufferWriter();

            ConversionsApiSerializer.WriteBatch(fromEvents, events, validateOnly, integrationSource);
            ConversionsApiSerializer.WritePackedBatch(fromQueue, [.. events.Select(ConversionEventPacker.Pack)], validateOnly, integrationSource);

            Assert.Equal(json, System.Text.Encoding.UTF8.GetString(fromEvents.WrittenBytes));
            Assert.Equal(json, System.Text.Encoding.UTF8.GetString(fromQueue.WrittenBytes));
            escaped += json.Split("\\u").Length - 1 + json.Split("\\\"").Length - 1;
        }

        // The corpus must reach the encoder path (escapes), not only the plain-ASCII copy.
        Assert.True(escaped > 100, $"only {escaped} escapes in the corpus");
    }

    [Fact]
    public void WritePackedBatch_OutputHandsOutExactSpans_AsksForMoreSpaceAndLosesNothing()
    {
        var events = Enumerable.Range(0, 300).Select(i => RandomEvents.Next(new Random(i), i)).ToArray();
        var output = new ExactSizeBufferWriter();

        ConversionsApiSerializer.WritePackedBatch(output, [.. events.Select(ConversionEventPacker.Pack)], validateOnly: false, integrationSource: null);

        Assert.True(output.Requests > 10, $"{output.Requests} requests for space");
        Assert.Equal(ReferenceBody(events, validateOnly: false, integrationSource: null), System.Text.Encoding.UTF8.GetString(output.WrittenBytes));
        using var document = JsonDocument.Parse(output.WrittenBytes);
        Assert.Equal(300, document.RootElement.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public void WriteJson_EveryOptionalFieldAndEmptyCases_WritesExactlyWhatTheSerializerWrites()
    {
        ConversionEvent[] events =
        [
            EveryField(),
            new ConversionEvent(OaiqEvent.LeadCreated(), "lead_1", DateTimeOffset.UnixEpoch),
            new ConversionEvent(OaiqEvent.AppOpened(), "app_1", DateTimeOffset.UnixEpoch) { User = UserData.Empty },
            new ConversionEvent(OaiqEvent.PageViewed(), "pv_1", DateTimeOffset.UnixEpoch.AddTicks(-1)) { SourceUrl = "https://shop.example/" },
            new ConversionEvent(OaiqEvent.ItemsAdded(new ContentsData { Contents = [new Content { Variant = new Dictionary<string, string>() }] }), "v_1", DateTimeOffset.UnixEpoch),
            new ConversionEvent(OaiqEvent.TrialStarted(new PlanEnrollmentData { PlanId = "p" }), "t_1", DateTimeOffset.UnixEpoch) { ActionSource = ActionSource.Email },
        ];

        foreach (var original in events)
        {
            Assert.Equal(ConversionsApiSerializer.SerializeEvent(original), JsonFromPacked(ConversionEventPacker.Pack(original)));
        }
    }

    [Fact]
    public void PackThenUnpack_EveryOptionalField_KeepsEachOneAsTheModelShowsIt()
    {
        var original = EveryField();

        var copy = ConversionEventPacker.Unpack(ConversionEventPacker.Pack(original));

        Assert.Equal(ConversionsApiSerializer.SerializeEvent(original), ConversionsApiSerializer.SerializeEvent(copy));
        Assert.Equal(original.Timestamp.Ticks, copy.Timestamp.Ticks);
        Assert.Equal(TimeSpan.FromHours(5.75), copy.Timestamp.Offset);
        Assert.True(copy.OptOut);
        Assert.Equal(ActionSource.PhoneCall, copy.ActionSource);
        Assert.Equal("plan_upgraded", copy.Event.CustomEventName);
        var item = Assert.IsType<CustomData>(copy.Event.Data).Contents[0];
        Assert.Equal(long.MaxValue, item.Amount!.Value.MinorUnits);
        Assert.Equal("CLF", item.Amount.Value.Currency);
        Assert.Equal(["size", "colour"], item.Variant!.Keys);
        Assert.Null(Assert.IsType<CustomData>(copy.Event.Data).Contents[1].Id);
        Assert.Equal(original.User!.EmailsSha256, copy.User!.EmailsSha256);
        Assert.Equal(original.User.PhoneNumbersSha256, copy.User.PhoneNumbersSha256);
        Assert.Equal("38400000-8cf0-11bd-b23e-10b96e40000d", copy.User.AndroidAdvertisingId);
    }

    /// <summary>The body as System.Text.Json's own writer writes it: the independent reference for the raw writer.</summary>
    private static string ReferenceBody(IReadOnlyList<ConversionEvent> events, bool validateOnly, string? integrationSource)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ConversionsApiSerializer.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("validate_only", validateOnly);
            if (integrationSource is not null)
            {
                writer.WriteString("integration_source", integrationSource);
            }

            writer.WriteStartArray("events");
            foreach (var e in events)
            {
                ConversionsApiSerializer.WriteEvent(writer, e);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string JsonFromPacked(byte[] packed)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        ConversionEventPacker.WriteJson(buffer, packed);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static ConversionEvent EveryField()
    {
        return new ConversionEvent(
            OaiqEvent.Custom("plan_upgraded", new CustomData
            {
                Amount = Money.FromMinorUnits(1500, "KWD"),
                PlanId = "pro_annual",
                Contents =
                [
                    new Content
                    {
                        Id = "sku_1", GroupId = "grp_1", Name = "Café \u2028 </script>", ContentType = "plan", Quantity = 0,
                        Amount = Money.FromMinorUnits(long.MaxValue, "CLF"), Variant = new Dictionary<string, string> { ["size"] = "L", ["colour"] = "" },
                    },
                    new Content(),
                ],
            }
            .WithProperty("tier", "gold")
            .WithProperty("seats", 12)
            .WithProperty("ratio", 0.25)
            .WithProperty("trial", false)
            .WithProperty("nothing", (string?)null)
            .WithProperty("nested", JsonDocument.Parse("""{"a":[1,"two",{"b":null}],"c":"\u00e9"}""").RootElement)),
            "evt_01JX8M6K4Q7F9A2B3C5D6E7F8G",
            new DateTimeOffset(2026, 11, 26, 18, 30, 15, 123, TimeSpan.FromHours(5.75)).AddTicks(4567))
        {
            OptOut = true,
            ActionSource = ActionSource.PhoneCall,
            Oppref = "gAAAAABn-x_Y0z9Q==",
            SourceUrl = "https://shop.example.com/p/ü?x=1",
            User = UserData.FromEmail("ada@example.com").WithEmail("ADA@example.org").WithPhoneNumber("+44 20 7946 0958")
                .WithExternalId("c-42").WithFirstName("Ada").WithLastName("Lovelace").WithCountry("gb").WithRegion("London")
                .WithCity("London").WithPostalCode("SW1A 1AA").WithObref("ob.1.Zm9v").WithIpAddress("2001:db8::1")
                .WithUserAgent("Mozilla/5.0 (X11; Linux x86_64)").WithAndroidAdvertisingId("38400000-8CF0-11BD-B23E-10B96E40000D"),
        };
    }

    [Theory]
    [MemberData(nameof(EveryEventName))]
    public void PackThenUnpack_EveryEventName_KeepsTheNameAndItsShape(string name)
    {
        var original = new ConversionEvent(OaiqEvent.Create(name, customEventName: name == OaiqEventNames.Custom ? "newsletter_signup" : null), "e_" + name, DateTimeOffset.UnixEpoch);

        var copy = ConversionEventPacker.Unpack(ConversionEventPacker.Pack(original));

        Assert.Equal(name, copy.Event.Name);
        Assert.Equal(original.Event.Data.Type, copy.Event.Data.Type);
        Assert.Equal(original.Event.CustomEventName, copy.Event.CustomEventName);
    }

    public static TheoryData<string> EveryEventName() => new(OaiqEventNames.All);

    [Fact]
    public void PackThenUnpack_NoUserNoActionSourceEmptyData_StayAbsent()
    {
        var original = new ConversionEvent(OaiqEvent.LeadCreated(), "lead_1", DateTimeOffset.UnixEpoch);

        var copy = ConversionEventPacker.Unpack(ConversionEventPacker.Pack(original));

        Assert.Null(copy.User);
        Assert.Null(copy.ActionSource);
        Assert.Null(copy.Oppref);
        Assert.Null(copy.SourceUrl);
        Assert.Null(copy.Event.Data.Amount);
        Assert.Equal(ConversionsApiSerializer.SerializeEvent(original), ConversionsApiSerializer.SerializeEvent(copy));
    }

    [Fact]
    public void PackThenUnpack_LoneSurrogateInAnItemName_ReachesTheApiAsTheReplacementCharacterItWouldHaveBeen()
    {
        var original = new ConversionEvent(
            OaiqEvent.ItemsAdded(new ContentsData { Contents = [new Content { Name = "half \uD800 pair" }] }), "add_1", DateTimeOffset.UtcNow);

        var copy = ConversionEventPacker.Unpack(ConversionEventPacker.Pack(original));

        var sent = JsonNode.Parse(ConversionsApiSerializer.SerializeEvent(original))!["data"]!["contents"]![0]!["name"]!.GetValue<string>();
        var sentFromQueue = JsonNode.Parse(ConversionsApiSerializer.SerializeEvent(copy))!["data"]!["contents"]![0]!["name"]!.GetValue<string>();
        Assert.Equal("half \uFFFD pair", sent);
        Assert.Equal(sent, sentFromQueue);
    }

    [Fact]
    public void PackThenUnpack_AHundredKilobyteCustomProperty_SurvivesAndTheNextEventStillPacks()
    {
        var big = new string('x', 100_000) + "é";
        var huge = new ConversionEvent(OaiqEvent.Custom("big_one", new CustomData().WithProperty("blob", big)), "big_1", DateTimeOffset.UnixEpoch)
        {
            SourceUrl = "https://shop.example/" + new string('p', 10_000),
        };
        var small = new ConversionEvent(OaiqEvent.LeadCreated(), "lead_after", DateTimeOffset.UnixEpoch) { SourceUrl = "https://shop.example/" };

        var hugeCopy = ConversionEventPacker.Unpack(ConversionEventPacker.Pack(huge));
        var smallCopy = ConversionEventPacker.Unpack(ConversionEventPacker.Pack(small));

        Assert.Equal(big, Assert.IsType<CustomData>(hugeCopy.Event.Data).Properties["blob"].GetString());
        Assert.Equal(huge.SourceUrl, hugeCopy.SourceUrl);
        Assert.Equal(ConversionsApiSerializer.SerializeEvent(small), ConversionsApiSerializer.SerializeEvent(smallCopy));
    }

    [Fact]
    public void Pack_HeavyOrder_IsLessThanHalfItsConversionsApiJson()
    {
        // What the queue keeps per event: the bytes a heavy order costs while it waits out an outage.
        var order = new ConversionEvent(
            OaiqEvent.OrderCreated(Money.FromMinorUnits(7797, "USD"),
            [
                new Content { Id = "sku_1", Name = "Starter bundle", ContentType = "product", Quantity = 1, Amount = Money.FromMinorUnits(2599, "USD") },
                new Content { Id = "sku_2", Name = "Refill", ContentType = "product", Quantity = 2, Amount = Money.FromMinorUnits(2599, "USD") },
                new Content { Id = "sku_3", Name = "Gift wrap", ContentType = "service", Quantity = 1, Amount = Money.FromMinorUnits(0, "USD") },
            ]),
            EventIds.New(),
            DateTimeOffset.UtcNow)
        {
            Oppref = "gAAAAABoppref-click-token",
            SourceUrl = "https://shop.example.com/checkout/confirmation",
            User = UserData.FromEmail("ada@example.com").WithPhoneNumber("+14155550100").WithIpAddress("203.0.113.7").WithUserAgent("Mozilla/5.0 (load)"),
        };

        var packed = ConversionEventPacker.Pack(order);
        var json = System.Text.Encoding.UTF8.GetByteCount(ConversionsApiSerializer.SerializeEvent(order));

        Assert.True(packed.Length * 2 < json, $"{packed.Length} packed bytes against {json} bytes of JSON.");
    }
}
