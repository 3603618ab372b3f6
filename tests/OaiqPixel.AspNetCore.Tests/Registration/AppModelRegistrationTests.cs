using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace OaiqPixel.AspNetCore.Tests.Registration;

/// <summary>
/// The Blazor parts of the registration must not stop an app that has no Blazor: Development validates every
/// registration when the host is built (a minimal API app has no NavigationManager or IJSRuntime).
/// </summary>
public sealed class AppModelRegistrationTests
{
    [Fact]
    public void MinimalApiApp_InDevelopment_BuildsWithTheContainerValidated()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration.Sources.Clear();
        builder.Services.AddOaiqTracking(o => o.PixelId = "px_1");

        using var app = builder.Build();
        using var scope = app.Services.CreateScope();

        Assert.NotNull(scope.ServiceProvider.GetService<IConversionTracker>());
    }

    [Fact]
    public void BlazorServerApp_InDevelopment_BuildsAndRegistersTheCircuitHandlerOnce()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration.Sources.Clear();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddOaiqTracking(o => o.PixelId = "px_1");
        builder.Services.AddOaiqTracking(o => o.PixelId = "px_1");

        using var app = builder.Build();
        using var scope = app.Services.CreateScope();

        Assert.Single(scope.ServiceProvider.GetServices<CircuitHandler>(), h => h.GetType().Name == "OaiqCircuitHandler");
    }
}
