using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.ServerViews;
using OaiqPixel.AspNetCore.Tracking;
using OaiqPixel.AspNetCore.Tests.ConversionsApi;

namespace OaiqPixel.AspNetCore.Tests.Registration;

/// <summary><c>Oaiq:Enabled=false</c> switches tracking fully off, even with a complete configuration.</summary>
public sealed class DisabledTrackingTests
{
    [Fact]
    public async Task Middleware_Disabled_DoesNoWorkEvenWithOpprefAndOurCookies()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOaiqTracking(o =>
        {
            o.Enabled = false;
            o.PixelId = "px_test";
        });
        await using var provider = services.BuildServiceProvider();
        var nextCalled = false;
        var middleware = ActivatorUtilities.CreateInstance<OaiqTrackingMiddleware>(provider, (RequestDelegate)(_ =>
        {
            nextCalled = true;
            return Task.CompletedTask;
        }));
        var context = new DefaultHttpContext { RequestServices = provider };
        context.Request.QueryString = new QueryString("?oppref=abc");
        context.Request.Headers.Cookie = "__oppref=old; __oaiq_carry=xyz";

        // Act
        await middleware.InvokeAsync(context);

        // Assert
        Assert.True(nextCalled);
        Assert.Null(context.Features.Get<IOaiqTrackingFeature>());
        Assert.Equal(0, context.Response.Headers.SetCookie.Count);
    }

    [Fact]
    public async Task ServerLeg_Disabled_SenderStopsAtOnceAndNothingIsSent()
    {
        // Arrange: a complete server-leg configuration (key, pixel, reachable API), but tracking is off.
        await using var h = await ServerLegHost.StartAsync(o => o.Enabled = false);

        // Act
        var accepted = h.Sink.TryEnqueue(TestEvents.Order("order_1", DateTimeOffset.UtcNow));
        var log = await h.WaitForLogAsync(100);

        // Assert
        Assert.False(accepted);
        Assert.Contains("Oaiq:Enabled is false", log.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Api.TotalRequests);
    }
}
