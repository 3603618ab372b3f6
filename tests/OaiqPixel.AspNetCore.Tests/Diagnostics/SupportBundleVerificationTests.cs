using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.Tests.Diagnostics;

/// <summary>
/// The support bundle says whether the production verification runs and with what (a newcomer's bundle could not tell
/// "no alert because nothing stopped" from "no alert because AddVerification() or its key is missing"), never the key.
/// </summary>
public sealed class SupportBundleVerificationTests
{
    [Fact]
    public async Task Bundle_WithVerification_SaysItIsRegisteredWithItsSettings_NotItsKeyOrAddress()
    {
        // Arrange
        using var host = Build(tracking => tracking.AddVerification(o =>
        {
            o.AdsApiKey = "sk-SECRET-ads-key";
            o.BaseAddress = new Uri("https://SECRET-stream.example/");
            o.Interval = TimeSpan.FromMinutes(2);
            o.MinimumEvents = 7;
        }));

        // Act
        var json = await host.Services.GetOaiqSupportBundleAsync();

        // Assert
        var configuration = JsonDocument.Parse(json).RootElement.GetProperty("configuration");
        Assert.True(configuration.GetProperty("verification_registered").GetBoolean());
        Assert.True(configuration.GetProperty("verification_ads_api_key_set").GetBoolean());
        Assert.False(configuration.GetProperty("verification_base_address_is_default").GetBoolean());
        Assert.Equal(120_000, configuration.GetProperty("verification_interval_ms").GetDouble());
        Assert.Equal(7, configuration.GetProperty("verification_minimum_events").GetInt32());
        Assert.DoesNotContain("SECRET", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Bundle_WithVerificationButNoKey_SaysTheKeyIsNotSet()
    {
        // Arrange
        using var host = Build(tracking => tracking.AddVerification());

        // Act
        var configuration = JsonDocument.Parse(await host.Services.GetOaiqSupportBundleAsync()).RootElement.GetProperty("configuration");

        // Assert: the defaults, and no key (log 305's case).
        Assert.True(configuration.GetProperty("verification_registered").GetBoolean());
        Assert.False(configuration.GetProperty("verification_ads_api_key_set").GetBoolean());
        Assert.True(configuration.GetProperty("verification_base_address_is_default").GetBoolean());
        Assert.Equal(300_000, configuration.GetProperty("verification_interval_ms").GetDouble());
        Assert.Equal(5, configuration.GetProperty("verification_minimum_events").GetInt32());
    }

    [Fact]
    public async Task Bundle_WithoutVerification_SaysItIsNotRegistered()
    {
        // Arrange
        using var host = Build(_ => { });

        // Act
        var configuration = JsonDocument.Parse(await host.Services.GetOaiqSupportBundleAsync()).RootElement.GetProperty("configuration");

        // Assert
        Assert.False(configuration.GetProperty("verification_registered").GetBoolean());
        Assert.False(configuration.GetProperty("verification_ads_api_key_set").GetBoolean());
        Assert.Equal(0, configuration.GetProperty("verification_interval_ms").GetDouble());
        Assert.Equal(0, configuration.GetProperty("verification_minimum_events").GetInt32());
    }

    /// <summary>A host that is built, not started: the bundle reads services and options, no check needs to run.</summary>
    private static IHost Build(Action<IOaiqTrackingBuilder> tracking)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        tracking(builder.Services.AddOaiqTracking(o => o.PixelId = "px_SECRET_pixel"));
        return builder.Build();
    }
}
