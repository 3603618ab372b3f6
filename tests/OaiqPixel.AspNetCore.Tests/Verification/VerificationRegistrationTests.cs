using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Verification;

namespace OaiqPixel.AspNetCore.Tests.Verification;

/// <summary>How the verification is registered: opt-in, bound under the tracking section, validated naming the setting.</summary>
public sealed class VerificationRegistrationTests
{
    [Fact]
    public async Task WithoutAddVerification_NothingOfItIsRegistered()
    {
        await using var app = await StartAsync(new Dictionary<string, string?>(), verification: false);

        Assert.Null(app.Services.GetService<IOaiqVerification>());
        Assert.Null(app.Services.GetService<LegLedger>());
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s is VerificationChecker);
    }

    [Fact]
    public async Task Settings_AreBoundUnderTheTrackingSection()
    {
        await using var app = await StartAsync(new Dictionary<string, string?>
        {
            ["Tracking:Verification:AdsApiKey"] = "sk-ads",
            ["Tracking:Verification:Interval"] = "00:02:00",
            ["Tracking:Verification:MinimumEvents"] = "9",
        });

        var options = app.Services.GetRequiredService<IOptions<OaiqVerificationOptions>>().Value;
        Assert.Equal(("sk-ads", TimeSpan.FromMinutes(2), 9), (options.AdsApiKey, options.Interval, options.MinimumEvents));
        Assert.Equal(new Uri("https://api.ads.openai.com/"), options.BaseAddress);
    }

    [Fact]
    public async Task InvalidSettings_StopTheStartUp_NamingEachSetting()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new Dictionary<string, string?>
        {
            ["Tracking:Verification:Interval"] = "00:00:10",
            ["Tracking:Verification:MinimumEvents"] = "0",
            ["Tracking:Verification:BaseAddress"] = "ftp://example.test/",
        }));

        Assert.Contains("Tracking:Verification:Interval (how often OpenAI's events stream is read) must be at least 00:01:00; it is 00:00:10.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Tracking:Verification:MinimumEvents", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Tracking:Verification:BaseAddress must be an absolute http(s) address", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidBaseAddress_TheMessageShowsItsSchemeHostAndPortOnly()
    {
        // A base address may carry a credential in its user info, path or query; a start-up failure is logged and shown.
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new Dictionary<string, string?>
        {
            ["Tracking:Verification:BaseAddress"] = "ftp://user:hunter2@example.test:2121/tenant-token-42/?key=sk-secret",
        }));

        Assert.Contains("Tracking:Verification:BaseAddress must be an absolute http(s) address", ex.Message, StringComparison.Ordinal);
        Assert.Contains("it is 'ftp://example.test:2121' (its path and query not shown)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tenant-token-42", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-secret", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tracking:ConversionsApi:ApiKey")]
    [InlineData("Tracking:Pixels:0:ApiKey")]
    public async Task AdsApiKeySetToAConversionsApiKey_StopsTheStartUp_WithoutShowingIt(string conversionsKeySetting)
    {
        // The events stream answers 401 to a conversion key: said at start-up, not after the first Interval (log 303).
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new Dictionary<string, string?>
        {
            ["Tracking:Pixels:0:PixelId"] = "px_second",
            [conversionsKeySetting] = "sk-svcacct-pasted-twice",
            ["Tracking:Verification:AdsApiKey"] = "sk-svcacct-pasted-twice",
        }));

        Assert.Contains("Tracking:Verification:AdsApiKey is a Conversions API key: the events stream needs the ad account's Ads API key", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-svcacct-pasted-twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdsApiKeyBesideADifferentConversionsApiKey_Starts()
    {
        await using var app = await StartAsync(new Dictionary<string, string?>
        {
            ["Tracking:ConversionsApi:ApiKey"] = "sk-svcacct-conversions",
            ["Tracking:Verification:AdsApiKey"] = "sk-ads-account",
        });

        Assert.Equal("sk-ads-account", app.Services.GetRequiredService<IOptions<OaiqVerificationOptions>>().Value.AdsApiKey);
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings, bool verification = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Tracking:PixelId"] = "px_registration" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var tracking = builder.Services.AddOaiqTracking(builder.Configuration.GetSection("Tracking"));
        if (verification)
        {
            tracking.AddVerification();
        }

        var app = builder.Build();
        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
