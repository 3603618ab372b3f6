using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Tests.Registration;

/// <summary>
/// Start-up validation and the start-up warning name each setting where this app sets it: the section it bound, or the
/// property in code. A missing PixelId switches tracking off with one warning; a malformed one stops the start-up.
/// </summary>
public sealed class ValidationMessageTests
{
    [Theory]
    [InlineData("Oaiq", "\"Oaiq\": { \"PixelId\": \"…\" }", "Oaiq__PixelId")]
    [InlineData("Tracking", "\"Tracking\": { \"PixelId\": \"…\" }", "Tracking__PixelId")]
    [InlineData("App:Tracking", "\"App\": { \"Tracking\": { \"PixelId\": \"…\" } }", "App__Tracking__PixelId")]
    public async Task Start_MissingPixelId_StartsUntrackedWithOneWarningNamingTheKeyUnderTheBoundSection(string section, string json, string environmentVariable)
    {
        // Arrange
        await using var app = Build(new() { [section + ":Debug"] = "true" }, (services, configuration) => services.AddOaiqTracking(configuration.GetSection(section)));

        // Act
        await app.StartAsync();

        // Assert
        var warning = Assert.Single(Warnings(app));
        Assert.Equal(70, warning.Id.Id);
        Assert.Equal(
            $"OpenAI Ads tracking is off: {section}:PixelId is not set, so no pixel renders and no event is sent. Set it to the Pixel ID from Ads Manager (appsettings.json: {json}, or the environment variable {environmentVariable}), or set {section}:Enabled to false to switch tracking off without this warning.",
            warning.Message);
    }

    [Fact]
    public async Task Start_MissingPixelId_OptionsFromCodeOnly_NamesTheProperty()
    {
        // Arrange
        await using var app = Build([], (services, _) => services.AddOaiqTracking(options => options.Debug = true));

        // Act
        await app.StartAsync();

        // Assert
        Assert.Equal(
            "OpenAI Ads tracking is off: OaiqTrackingOptions.PixelId is not set, so no pixel renders and no event is sent. Set it to the Pixel ID from Ads Manager (AddOaiqTracking(options => options.PixelId = …)), or set OaiqTrackingOptions.Enabled to false to switch tracking off without this warning.",
            Assert.Single(Warnings(app)).Message);
    }

    [Theory]
    [InlineData("Oaiq", "")]
    [InlineData("Tracking", "   ")]
    public async Task Start_BlankPixelId_CountsAsMissing(string section, string blank)
    {
        // Arrange: an environment variable set to nothing (Oaiq__PixelId=) in a CI run without secrets.
        await using var app = Build(new() { [section + ":PixelId"] = blank }, (services, configuration) => services.AddOaiqTracking(configuration.GetSection(section)));

        // Act
        await app.StartAsync();

        // Assert
        Assert.StartsWith($"OpenAI Ads tracking is off: {section}:PixelId is not set", Assert.Single(Warnings(app)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Oaiq", "px 123")]
    [InlineData("Tracking", "px_\u0001")]
    public async Task Start_MalformedPixelId_StopsNamingTheKeyUnderTheBoundSection(string section, string pixelId)
    {
        // Arrange: a value that is there but wrong is a mistake to fix, not a missing secret.
        await using var app = Build(
            new() { [section + ":PixelId"] = pixelId },
            (services, configuration) => services.AddOaiqTracking(configuration.GetSection(section)));

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        // Assert
        Assert.Equal(
            $"{section}:PixelId must be the Pixel ID from Ads Manager: at most 128 characters, without spaces or control characters.",
            Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task Start_DisabledWithoutPixelId_StartsWithoutAWarning()
    {
        // Arrange
        await using var app = Build(new() { ["Oaiq:Enabled"] = "false" }, (services, configuration) => services.AddOaiqTracking(configuration.GetSection("Oaiq")));

        // Act
        await app.StartAsync();

        // Assert
        Assert.Empty(Warnings(app));
    }

    [Fact]
    public async Task Start_Configured_StartsWithoutAWarning()
    {
        // Arrange: this process has ICU, so Unicode NFC is available for hashing (log 71 is for invariant-mode apps).
        await using var app = Build(
            new() { ["Oaiq:PixelId"] = "px_1", ["Oaiq:ConversionsApi:ApiKey"] = "sk-svcacct-secret" },
            (services, configuration) => services.AddOaiqTracking(configuration.GetSection("Oaiq")));

        // Act
        await app.StartAsync();

        // Assert
        Assert.Empty(Warnings(app));
        Assert.DoesNotContain(app.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 71);
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
        await app.StartAsync();
        await app.StopAsync();

        // Assert: one line about it, the warning; the sender adds no "server leg off" line of its own (log 100).
        var records = app.Services.GetFakeLogCollector().GetSnapshot();
        var warning = Assert.Single(Warnings(app));
        Assert.StartsWith($"OpenAI Ads tracking is off: {section}:PixelId is not set", warning.Message, StringComparison.Ordinal);
        Assert.Single(records, r => r.Message.Contains("PixelId", StringComparison.Ordinal));
        Assert.DoesNotContain(records, r => r.Id.Id == 100);
        Assert.DoesNotContain(records, r => r.Message.Contains("sk-svcacct-secret", StringComparison.Ordinal));
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
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddFakeLogging();
        register(builder.Services, builder.Configuration);
        return builder.Build();
    }

    /// <summary>Every record at Warning or above, from any category.</summary>
    private static IReadOnlyList<FakeLogRecord> Warnings(WebApplication app) =>
        [.. app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Warning)];
}
