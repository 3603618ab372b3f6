using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

/// <summary>Which match keys a record carries (spec §4.6), determined where its JSON is written, and the metric counting them.</summary>
public sealed class MatchKeysTests
{
    private const string Digest = "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514";

    public static TheoryData<string, ConversionEventMatchKeys> EveryKey() => new()
    {
        { "oppref", ConversionEventMatchKeys.Oppref },
        { "obref", ConversionEventMatchKeys.Obref },
        { "email", ConversionEventMatchKeys.Email },
        { "phone", ConversionEventMatchKeys.Phone },
        { "external_id", ConversionEventMatchKeys.ExternalId },
        { "first_name", ConversionEventMatchKeys.FirstName },
        { "last_name", ConversionEventMatchKeys.LastName },
        { "country", ConversionEventMatchKeys.Country },
        { "region", ConversionEventMatchKeys.Region },
        { "city", ConversionEventMatchKeys.City },
        { "postal_code", ConversionEventMatchKeys.PostalCode },
        { "advertising_id", ConversionEventMatchKeys.AdvertisingId },
        { "ip_address", ConversionEventMatchKeys.IpAddress },
        { "user_agent", ConversionEventMatchKeys.UserAgent },
    };

    [Theory]
    [MemberData(nameof(EveryKey))]
    public void Create_SetsTheFlagOfTheOneKeyTheEventCarries_AndFromJsonReadsTheSame(string key, ConversionEventMatchKeys expected)
    {
        // Arrange
        var conversionEvent = WithOnly(key);

        // Act
        var record = ConversionEventRecord.Create(conversionEvent, "px_1");
        var readBack = ConversionEventRecord.FromJson("px_1", record.Json.Span);

        // Assert
        Assert.Equal(expected, record.MatchKeys);
        Assert.Equal(expected, readBack.MatchKeys);
    }

    [Fact]
    public void Create_EventWithoutOpprefOrUser_CarriesNone()
    {
        // Arrange
        var conversionEvent = new ConversionEvent(OaiqEvent.LeadCreated(), "lead_1", DateTimeOffset.UtcNow) { SourceUrl = "https://shop.example/" };

        // Act
        var record = ConversionEventRecord.Create(conversionEvent, "px_1");

        // Assert
        Assert.Equal(ConversionEventMatchKeys.None, record.MatchKeys);
        Assert.Equal(ConversionEventMatchKeys.None, ConversionEventRecord.FromJson("px_1", record.Json.Span).MatchKeys);
    }

    [Fact]
    public void Create_EveryKey_SetsEveryFlag_AndACopyForAnotherPixelKeepsThem()
    {
        // Arrange
        var all = EveryKey().Select(row => (ConversionEventMatchKeys)row[1]).Aggregate((a, b) => a | b);

        // Act
        var record = ConversionEventRecord.Create(TestEvents.Order("order_1", DateTimeOffset.UtcNow), "px_1");
        var everything = ConversionEventRecord.Create(WithEveryKey(), "px_1");

        // Assert: the realistic order carries oppref, obref, email, IP and user agent; the full one every key.
        Assert.Equal(
            ConversionEventMatchKeys.Oppref | ConversionEventMatchKeys.Obref | ConversionEventMatchKeys.Email | ConversionEventMatchKeys.IpAddress | ConversionEventMatchKeys.UserAgent,
            record.MatchKeys);
        Assert.Equal(all, everything.MatchKeys);
        Assert.Equal(all, ConversionEventRecord.FromJson("px_2", everything.Json.Span).MatchKeys);
    }

    [Fact]
    public void FromJson_EmptyValues_AreNotKeys()
    {
        // Arrange: a record kept elsewhere, with an empty oppref and empty lists.
        var json = """{"id":"o_1","type":"order_created","timestamp_ms":1773892800000,"oppref":"","user":{"emails_sha256":[],"ip_address":"","user_agent":"UA"},"data":{"type":"contents"}}""";

        // Act
        var record = ConversionEventRecord.FromJson("px_1", Encoding.UTF8.GetBytes(json));

        // Assert
        Assert.Equal(ConversionEventMatchKeys.UserAgent, record.MatchKeys);
    }

    [Fact]
    public async Task Metric_CountsEachEventOncePerKey_ByKeyAndEventType_AndNoneForAnEventWithout()
    {
        // Arrange: two pixels, so each event has two records but its keys are counted once.
        await using var h = await ServerLegHost.StartAsync(
            o => o.Pixels.Add(new OaiqPixelOptions { PixelId = "px_second" }),
            startSender: false);
        using var matchKeys = h.Collect<long>("oaiq.events.match_keys");

        // Act
        h.EnqueueAll([TestEvents.Order("order_1", DateTimeOffset.UtcNow), new ConversionEvent(OaiqEvent.LeadCreated(), "lead_1", DateTimeOffset.UtcNow) { SourceUrl = "https://shop.example/" }]);

        // Assert
        var counted = matchKeys.GetMeasurementSnapshot()
            .Select(m => $"{m.Tags["oaiq.event.type"]}:{m.Tags["oaiq.match_key"]}={m.Value}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(
            [
                "lead_created:none=1",
                "order_created:email=1",
                "order_created:ip_address=1",
                "order_created:obref=1",
                "order_created:oppref=1",
                "order_created:user_agent=1",
            ],
            counted);
    }

    [Fact]
    public void Metric_CountingAnEventsKeys_AllocatesNothing_WhileListenedTo()
    {
        // Arrange: a listener on this test's counter only (other tests run in parallel and count under the same name;
        // a factory's meters carry the factory as their scope), as an exporter would be; warm up first.
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = provider.GetRequiredService<IMeterFactory>();
        var instrumentation = new ConversionsApiInstrumentation(meterFactory);
        long measured = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "oaiq.events.match_keys" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => measured += value);
        listener.Start();
        var every = ConversionEventRecord.Create(WithEveryKey(), "px_1").MatchKeys;
        for (var i = 0; i < 200; i++)
        {
            instrumentation.MatchKeys("lead_created", every);
        }

        // Act: three rounds of 1,000 events; a one-off runtime event (a tier-up, another test's listener starting) can
        // land in one round, an allocation per event lands in all three.
        var allocated = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1_000; i++)
            {
                instrumentation.MatchKeys("lead_created", every);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        // Assert: 14 keys per event, each counted, and not a byte allocated for it.
        Assert.Equal(14 * 3_200, measured);
        Assert.Equal(0, allocated);
    }

    private static ConversionEvent WithOnly(string key)
    {
        var user = key switch
        {
            "obref" => UserData.Empty.WithObref("123e4567-e89b-42d3-a456-426614174000"),
            "email" => UserData.Empty.WithEmailSha256(Digest),
            "phone" => UserData.Empty.WithPhoneNumberSha256(Digest),
            "external_id" => UserData.Empty.WithExternalIdSha256(Digest),
            "first_name" => UserData.Empty.WithFirstNameSha256(Digest),
            "last_name" => UserData.Empty.WithLastNameSha256(Digest),
            "country" => UserData.Empty.WithCountry("US"),
            "region" => UserData.Empty.WithRegion("ca"),
            "city" => UserData.Empty.WithCity("san francisco"),
            "postal_code" => UserData.Empty.WithPostalCode("94107"),
            "advertising_id" => UserData.Empty.WithAndroidAdvertisingId("38400000-8cf0-11bd-b23e-10b96e40000d"),
            "ip_address" => UserData.Empty.WithIpAddress("203.0.113.7"),
            "user_agent" => UserData.Empty.WithUserAgent("Mozilla/5.0"),
            _ => null,
        };
        return new ConversionEvent(OaiqEvent.LeadCreated(), "lead_1", DateTimeOffset.UtcNow)
        {
            SourceUrl = "https://shop.example/",
            Oppref = key == "oppref" ? "oppref_abc" : null,
            User = user,
        };
    }

    private static ConversionEvent WithEveryKey() =>
        new(OaiqEvent.LeadCreated(), "lead_all", DateTimeOffset.UtcNow)
        {
            SourceUrl = "https://shop.example/",
            Oppref = "oppref_abc",
            User = UserData.Empty.WithObref("123e4567-e89b-42d3-a456-426614174000").WithEmailSha256(Digest).WithPhoneNumberSha256(Digest)
                .WithExternalIdSha256(Digest).WithFirstNameSha256(Digest).WithLastNameSha256(Digest).WithCountry("US").WithRegion("ca")
                .WithCity("san francisco").WithPostalCode("94107").WithAndroidAdvertisingId("38400000-8cf0-11bd-b23e-10b96e40000d")
                .WithIpAddress("203.0.113.7").WithUserAgent("Mozilla/5.0"),
        };
}
