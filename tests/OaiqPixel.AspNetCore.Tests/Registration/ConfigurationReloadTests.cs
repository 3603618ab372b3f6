using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Tests.Registration;

/// <summary>
/// <c>AddOaiqTracking()</c> binds the app configuration's <c>Oaiq</c> section with <c>BindConfiguration</c>, so a reload
/// (a fixed key in appsettings.json, a refreshed secret store) reaches what reads the options through
/// <see cref="IOptionsMonitor{TOptions}"/>, the Conversions API client among them, without a restart.
/// </summary>
public sealed class ConfigurationReloadTests
{
    [Fact]
    public void AddOaiqTracking_DefaultSection_AReloadReachesTheOptionsMonitor()
    {
        // Arrange
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oaiq:PixelId"] = "px_cfg",
            ["Oaiq:ConversionsApi:ApiKey"] = "sk-wrong-key",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddOaiqTracking();
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<OaiqTrackingOptions>>();
        Assert.Equal("sk-wrong-key", monitor.CurrentValue.ConversionsApi.ApiKey);

        // Act
        configuration["Oaiq:ConversionsApi:ApiKey"] = "sk-fixed-key";
        configuration.Reload();

        // Assert
        Assert.Equal("sk-fixed-key", monitor.CurrentValue.ConversionsApi.ApiKey);
        Assert.Equal("px_cfg", monitor.CurrentValue.PixelId);
    }
}
