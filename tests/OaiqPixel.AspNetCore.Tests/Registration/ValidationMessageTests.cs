using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Tests.Registration;

/// <summary>Start-up validation names each setting where this app sets it: the section it bound, or the property in code.</summary>
public sealed class ValidationMessageTests
{
    [Theory]
    [InlineData("Oaiq", "\"Oaiq\": { \"PixelId\": \"…\" }", "Oaiq__PixelId")]
    [InlineData("Tracking", "\"Tracking\": { \"PixelId\": \"…\" }", "Tracking__PixelId")]
    [InlineData("App:Tracking", "\"App\": { \"Tracking\": { \"PixelId\": \"…\" } }", "App__Tracking__PixelId")]
    public async Task Start_MissingPixelId_NamesTheKeyUnderTheBoundSection(string section, string json, string environmentVariable)
    {
        // Arrange
        await using var app = Build(new() { [section + ":Debug"] = "true" }, (services, configuration) => services.AddOaiqTracking(configuration.GetSection(section)));

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        // Assert
        var failure = Assert.Single(ex.Failures);
        Assert.Equal(
            $"{section}:PixelId is required. Set it to the Pixel ID from Ads Manager (appsettings.json: {json}, or the environment variable {environmentVariable}), or set {section}:Enabled to false to switch tracking off.",
            failure);
    }

    [Fact]
    public async Task Start_MissingPixelId_OptionsFromCodeOnly_NamesTheProperty()
    {
        // Arrange
        await using var app = Build([], (services, _) => services.AddOaiqTracking(options => options.Debug = true));

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        // Assert
        Assert.Equal(
            "OaiqTrackingOptions.PixelId is required. Set it to the Pixel ID from Ads Manager (AddOaiqTracking(options => options.PixelId = …)), or set OaiqTrackingOptions.Enabled to false to switch tracking off.",
            Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task Start_CodeOverloadButTheAppHasAnOaiqSection_NamesTheSection()
    {
        // Arrange: AddOaiqTracking(options => …) also binds the app configuration's Oaiq section.
        await using var app = Build(new() { ["Oaiq:SdkUrl"] = "javascript:alert(1)" }, (services, _) => services.AddOaiqTracking(options => options.PixelId = "px"));

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        // Assert
        Assert.StartsWith("Oaiq:SdkUrl must be an absolute http(s) URL", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Oaiq")]
    [InlineData("Tracking")]
    public async Task Start_EverySettingOfAnotherSection_IsNamedUnderIt(string section)
    {
        // Arrange
        await using var app = Build(
            new()
            {
                [section + ":PixelId"] = "px",
                [section + ":OpprefCookie:Domain"] = "co.uk",
                [section + ":ConversionsApi:ApiKey"] = "sk-svcacct-secret",
                [section + ":ConversionsApi:MaxBatchSize"] = "0",
                [section + ":ConversionsApi:BaseAddress"] = "https://bzr.openai.com/v1/events",
            },
            (services, configuration) => services.AddOaiqTracking(configuration.GetSection(section)));

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        // Assert
        Assert.Equal(3, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.StartsWith($"{section}:OpprefCookie:Domain is 'co.uk', a public suffix", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith($"{section}:ConversionsApi:MaxBatchSize must be between 1 and 1000", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith(
            $"{section}:ConversionsApi:BaseAddress is the API origin, e.g. https://bzr.openai.com/; the library appends v1/events.", StringComparison.Ordinal));
        if (section != "Oaiq")
        {
            Assert.DoesNotContain("Oaiq:", ex.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("sk-svcacct-secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ConversionsApiSettingFromCodeOnly_NamesTheProperty()
    {
        // Arrange
        await using var app = Build([], (services, _) => services.AddOaiqTracking(options =>
        {
            options.PixelId = "px";
            options.ConversionsApi.BaseAddress = new Uri("https://bzr.openai.com/v1/");
        }));

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        // Assert
        Assert.Equal(
            "OaiqTrackingOptions.ConversionsApi.BaseAddress is the API origin, e.g. https://bzr.openai.com/; the library appends v1/events. It is https://bzr.openai.com/v1/, which would post to https://bzr.openai.com/v1/v1/events: remove /v1 from it.",
            Assert.Single(ex.Failures));
    }

    [Theory]
    [InlineData("Oaiq")]
    [InlineData("Tracking")]
    public async Task Start_MissingPixelIdWithAnApiKey_IsStatedOnce(string section)
    {
        // Arrange
        await using var app = Build(
            new() { [section + ":ConversionsApi:ApiKey"] = "sk-svcacct-secret" },
            (services, configuration) => services.AddOaiqTracking(configuration.GetSection(section)));

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        // Assert: one failure about it, saying why the server leg needs it too; the message as a whole says it once.
        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith($"{section}:PixelId is required.", failure, StringComparison.Ordinal);
        Assert.EndsWith("The Conversions API needs it too, as pid.", failure, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(ex.Message, "PixelId is required"));
    }

    [Fact]
    public async Task Start_NullConversionsApi_IsStatedOnce()
    {
        // Arrange
        await using var app = Build([], (services, _) => services.AddOaiqTracking(options =>
        {
            options.PixelId = "px";
            options.ConversionsApi = null!;
        }));

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        // Assert
        Assert.Equal("OaiqTrackingOptions.ConversionsApi must not be null; remove the assignment to use the defaults.", Assert.Single(ex.Failures));
    }

    private static WebApplication Build(Dictionary<string, string?> settings, Action<IServiceCollection, IConfiguration> register)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseTestServer();
        register(builder.Services, builder.Configuration);
        return builder.Build();
    }
}
