using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OaiqPixel.Testing;

namespace OaiqPixel.AspNetCore.Tests.Diagnostics;

/// <summary>The support bundle (<c>GetOaiqSupportBundleAsync</c>): its JSON shape, and that it is redacted by construction.</summary>
public sealed class SupportBundleTests
{
    private const string Secret = "SECRET";
    private const string RawEmail = "secret.person@example.com";
    private const string IpAddress = "203.0.113.99";

    [Fact]
    public async Task Bundle_HasVersionsConfigurationHealthCountsAndTheApisRecentAnswers_InItsDocumentedShape()
    {
        // Arrange: three orders delivered, one refused on its own (dead-lettered).
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { PoisonEvent = e => e.GetProperty("id").GetString() == "order_bad" });
        using var host = await StartAsync(api, o => { });
        var sink = host.Services.GetRequiredService<IConversionEventSink>();
        foreach (var id in new[] { "order_1", "order_2", "order_bad", "order_3" })
        {
            Assert.True(sink.TryEnqueue(Order(id, oppref: "oppref_abc", user: UserData.FromEmail("ada@example.com"))));
        }

        // Act
        var root = await WaitForBundleAsync(host.Services, delivered: 3, deadLettered: 1);

        // Assert: the top level and each section hold exactly the documented fields.
        Assert.Equal(["generated_at", "versions", "configuration", "health", "counts", "stores", "recent_outcomes"], Names(root));
        var versions = root.GetProperty("versions");
        Assert.Equal(["packages", "runtime", "asp_net_core", "os", "architecture"], Names(versions));
        Assert.Contains("OaiqPixel.AspNetCore", Names(versions.GetProperty("packages")));
        Assert.Contains("OaiqPixel.Abstractions", Names(versions.GetProperty("packages")));
        Assert.StartsWith(".NET", versions.GetProperty("runtime").GetString(), StringComparison.Ordinal);

        var configuration = root.GetProperty("configuration");
        Assert.True(configuration.GetProperty("api_key_set").GetBoolean());
        Assert.True(configuration.GetProperty("pixel_id_set").GetBoolean());
        Assert.True(configuration.GetProperty("server_leg_on").GetBoolean());
        Assert.False(configuration.GetProperty("base_address_is_default").GetBoolean());
        Assert.Equal("Pixel", configuration.GetProperty("browser_leg").GetString());
        Assert.Equal(2000, configuration.GetProperty("flush_interval_ms").GetDouble());
        Assert.All(configuration.EnumerateObject(), p => Assert.Contains(p.Value.ValueKind, new[] { JsonValueKind.True, JsonValueKind.False, JsonValueKind.Number, JsonValueKind.String }));

        // Only the package's own health check: the app's other checks are not the bundle's business.
        var health = Assert.Single(root.GetProperty("health").EnumerateArray());
        Assert.Equal("oaiq_conversions_api", health.GetProperty("name").GetString());
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal(["name", "status", "duration_ms", "exception"], Names(health));

        var counts = root.GetProperty("counts");
        Assert.Equal(["queued", "enqueued", "delivered", "failed", "dead_lettered", "dropped"], Names(counts));
        Assert.Equal(4, counts.GetProperty("enqueued").GetInt64());
        Assert.Equal(3, counts.GetProperty("delivered").GetInt64());
        Assert.Equal(1, counts.GetProperty("dead_lettered").GetInt64());
        Assert.Equal(1, counts.GetProperty("dropped").GetProperty("dead_letter").GetInt64());

        // Every answer the fake gave, with its x-request-id; no message (the API's text may quote a refused value).
        var outcomes = root.GetProperty("recent_outcomes").EnumerateArray().ToList();
        Assert.Equal(api.Requests.Select(r => r.RequestId).Order(StringComparer.Ordinal), outcomes.Select(o => o.GetProperty("request_id").GetString()).Order(StringComparer.Ordinal));
        Assert.All(outcomes, o => Assert.Equal(["at", "outcome", "status_code", "events", "request_id"], Names(o)));
        var refused = outcomes.First(o => o.GetProperty("outcome").GetString() == "rejected" && o.GetProperty("events").GetInt32() == 1);
        Assert.Equal(400, refused.GetProperty("status_code").GetInt32());
        Assert.Empty(root.GetProperty("stores").EnumerateArray());
    }

    [Fact]
    public async Task Bundle_HostileConfigurationAndEvents_HoldsNoKeyPixelIdOpprefObrefOrPersonalData()
    {
        // Arrange: a secret in every string option and every field of every event.
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions
        {
            ApiKey = "sk-SECRET-conversions-key",
            PixelId = "px_SECRET_1",
            AdditionalPixels = { ["px_SECRET_2"] = "sk-SECRET-second-key" },
            PoisonEvent = e => e.GetProperty("id").GetString()!.EndsWith("_bad", StringComparison.Ordinal),
        });
        using var host = await StartAsync(api, o =>
        {
            o.ConversionsApi.IntegrationSource = "SECRET-integration";
            o.SdkUrl = "https://SECRET-sdk.example/oaiq.js";
            o.OpprefCookie.Domain = "SECRET.example";
            o.Pixels.Add(new OaiqPixelOptions { PixelId = "px_SECRET_2", ApiKey = "sk-SECRET-second-key", IntegrationSource = "SECRET-integration-2" });
        });
        var sink = host.Services.GetRequiredService<IConversionEventSink>();
        var user = UserData.FromEmail(RawEmail).WithPhoneNumber("+1 415 555 0199").WithExternalId("SECRET-customer-42")
            .WithFirstName("Secretfirst").WithLastName("Secretlast").WithCity("secretcity").WithRegion("secretregion")
            .WithPostalCode("94107").WithCountry("US").WithObref("SECRET-obref-123").WithIpAddress(IpAddress).WithUserAgent("SECRET-UA/1.0")
            .WithAndroidAdvertisingId("38400000-8cf0-11bd-b23e-10b96e40000d");
        Assert.True(sink.TryEnqueue(Order("SECRET-order-1", oppref: "SECRET-oppref-1", user)));
        Assert.True(sink.TryEnqueue(Order("SECRET-order-2_bad", oppref: "SECRET-oppref-2", user)));

        // Act: both pixels each deliver one and dead-letter one.
        var root = await WaitForBundleAsync(host.Services, delivered: 2, deadLettered: 2);
        var json = root.GetRawText();

        // Assert
        Assert.DoesNotContain(Secret, json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("px_", json, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-", json, StringComparison.Ordinal);
        Assert.DoesNotContain(IpAddress, json, StringComparison.Ordinal);
        Assert.DoesNotContain("94107", json, StringComparison.Ordinal);
        Assert.DoesNotContain("38400000", json, StringComparison.Ordinal);
        foreach (var digest in user.EmailsSha256.Concat(user.PhoneNumbersSha256).Concat(user.ExternalIdsSha256).Concat(user.FirstNamesSha256).Concat(user.LastNamesSha256))
        {
            Assert.DoesNotContain(digest, json, StringComparison.Ordinal);
        }

        Assert.True(root.GetProperty("configuration").GetProperty("api_key_set").GetBoolean());
        Assert.Equal(1, root.GetProperty("configuration").GetProperty("pixels_with_own_api_key").GetInt32());
        Assert.NotEmpty(root.GetProperty("recent_outcomes").EnumerateArray());
    }

    [Fact]
    public async Task Bundle_WithoutAddOaiqTracking_ThrowsNamingTheFix()
    {
        // Arrange
        await using var services = new ServiceCollection().BuildServiceProvider();

        // Act
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => services.GetOaiqSupportBundleAsync());

        // Assert
        Assert.Contains("AddOaiqTracking", ex.Message, StringComparison.Ordinal);
    }

    private static ConversionEvent Order(string id, string oppref, UserData user) =>
        new(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD"), [new Content { Id = "SECRET-sku", Name = "SECRET-product", Quantity = 1 }]), id, DateTimeOffset.UtcNow)
        {
            Oppref = oppref,
            SourceUrl = "https://shop.example/SECRET-path?token=SECRET-query",
            User = user,
        };

    private static async Task<IHost> StartAsync(FakeConversionsApi api, Action<OaiqTrackingOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOaiqTracking(o =>
        {
            o.PixelId = api.PixelId;
            o.ConversionsApi.ApiKey = api.ApiKey;
            o.ConversionsApi.BaseAddress = api.BaseAddress;
            o.ConversionsApi.FlushInterval = TimeSpan.FromSeconds(2);
            configure(o);
        });
        builder.Services.AddHealthChecks()
            .AddOaiqConversionsApi()
            .AddCheck("app_database", () => HealthCheckResult.Unhealthy("SECRET connection string"));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The bundle, once the server leg has delivered and dead-lettered as many events as expected.</summary>
    private static async Task<JsonElement> WaitForBundleAsync(IServiceProvider services, int delivered, int deadLettered)
    {
        JsonElement root = default;
        await Wait.UntilAsync(
            async () =>
            {
                root = JsonDocument.Parse(await services.GetOaiqSupportBundleAsync()).RootElement.Clone();
                var counts = root.GetProperty("counts");
                return counts.GetProperty("delivered").GetInt64() == delivered && counts.GetProperty("dead_lettered").GetInt64() == deadLettered;
            },
            $"{delivered} delivered and {deadLettered} dead-lettered",
            () => Task.FromResult(root.ValueKind == JsonValueKind.Undefined ? "no bundle" : root.GetProperty("counts").GetRawText()));
        return root;
    }

    private static List<string> Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];
}
