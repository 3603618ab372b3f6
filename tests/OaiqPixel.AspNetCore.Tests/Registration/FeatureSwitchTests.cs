using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Registration;

/// <summary>
/// The MSBuild feature switches (buildTransitive/OaiqPixel.AspNetCore.targets) as an app built with them sees them: what a
/// disabled feature leaves out, and a disabled feature the app configures anyway stopping it at start, naming the property.
/// </summary>
[Collection(FeatureSwitchCollection.Name)]
public sealed class FeatureSwitchTests : IDisposable
{
    private const string ConversionsApiProperty = "<OaiqConversionsApiSupport>false</OaiqConversionsApiSupport>";
    private const string DataProtectionProperty = "<OaiqDataProtectionSupport>false</OaiqDataProtectionSupport>";

    public void Dispose()
    {
        AppContext.SetSwitch(OaiqFeatureSwitches.ConversionsApiSwitch, true);
        AppContext.SetSwitch(OaiqFeatureSwitches.DataProtectionSwitch, true);
    }

    [Theory]
    [InlineData("Oaiq:ConversionsApi:ApiKey")]
    [InlineData("Oaiq:Pixels:0:ApiKey")]
    public async Task WithoutConversionsApi_AConfiguredKey_StopsTheHostAtStartNamingTheProperty(string keySetting)
    {
        // Arrange
        AppContext.SetSwitch(OaiqFeatureSwitches.ConversionsApiSwitch, false);
        using var host = BuildHost(new() { ["Oaiq:PixelId"] = "px_1", ["Oaiq:Pixels:0:PixelId"] = "px_2", [keySetting] = "sk-svcacct-secret" });

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        // Assert
        var failure = Assert.Single(ex.Failures, f => f.Contains(ConversionsApiProperty, StringComparison.Ordinal));
        Assert.Contains("Oaiq:ConversionsApi:ApiKey", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-svcacct-secret", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutConversionsApi_TheSendersHealthCheck_ThrowsNamingTheProperty()
    {
        // Arrange
        AppContext.SetSwitch(OaiqFeatureSwitches.ConversionsApiSwitch, false);
        var health = new ServiceCollection().AddHealthChecks();

        // Act
        var ex = Assert.Throws<InvalidOperationException>(() => health.AddOaiqConversionsApi());

        // Assert
        Assert.Contains(ConversionsApiProperty, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutConversionsApi_TheBrowserLegStarts_WithNoClientOrSender_AndSaysWhy()
    {
        // Arrange
        AppContext.SetSwitch(OaiqFeatureSwitches.ConversionsApiSwitch, false);
        using var host = BuildHost(new() { ["Oaiq:PixelId"] = "px_1" });

        // Act
        await host.StartAsync();
        var delivery = Record.Exception(() => host.Services.GetRequiredService<IConversionsApiDelivery>());
        var accepted = host.Services.GetRequiredService<IConversionEventSink>().TryEnqueue(new ConversionEvent(OaiqEvent.LeadCreated(), "lead_1", DateTimeOffset.UtcNow));
        await host.StopAsync();

        // Assert
        Assert.Null(host.Services.GetService<IHttpClientFactory>());
        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), s => s is ConversionsApiSender);
        Assert.False(accepted);
        Assert.Contains(ConversionsApiProperty, Assert.IsType<InvalidOperationException>(delivery).Message, StringComparison.Ordinal);
        var log = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 100);
        Assert.Contains(ConversionsApiProperty, log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAKey_NoSenderIsStarted_AndTheServerLegSaysWhyOnce()
    {
        // Arrange: the default build (every feature linked), a pixel without a Conversions API key.
        using var host = BuildHost(new() { ["Oaiq:PixelId"] = "px_1" });

        // Act
        await host.StartAsync();
        await host.StopAsync();

        // Assert
        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), s => s is ConversionsApiSender);
        var log = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 100);
        Assert.Contains("no Oaiq:ConversionsApi:ApiKey is set", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutDataProtection_TrackingRegistersNone()
    {
        // Arrange
        AppContext.SetSwitch(OaiqFeatureSwitches.DataProtectionSwitch, false);

        // Act
        var services = new ServiceCollection().AddLogging();
        services.AddOaiqTracking(o => o.PixelId = "px_1");

        // Assert
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IDataProtectionProvider));
    }

    [Fact]
    public async Task WithoutDataProtection_ARedirectedConversion_LosesItsBrowserLegWithLog90NamingTheProperty()
    {
        // Arrange: an MVC app (its antiforgery registers Data Protection itself; OaiqPixel does not use it).
        AppContext.SetSwitch(OaiqFeatureSwitches.DataProtectionSwitch, false);
        await using var app = await TestApp.StartAsync();
        app.Scenario.Record = (tracker, context) =>
        {
            if (context.Request.Method == "POST")
            {
                tracker.Track(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD")), "order_42");
            }
        };
        var client = app.CreateClient(https: true);

        // Act
        var post = await client.PostAsync("/place", null);
        var next = await client.GetAsync("/page");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Empty(TestApp.SetCookies(post));
        Assert.DoesNotContain("order_42", await next.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var log = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 90);
        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.Contains(DataProtectionProperty, log.Message, StringComparison.Ordinal);
        // The server leg is unaffected.
        Assert.Single(app.Sink.Events, e => e.Id == "order_42");
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddFakeLogging();
        builder.Services.AddOaiqTracking(builder.Configuration.GetSection("Oaiq"));
        return builder.Build();
    }
}
