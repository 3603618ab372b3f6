using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Tests.Registration;

/// <summary>What <c>AddOaiqTracking</c> returns: follow-on registrations chained on <see cref="IOaiqTrackingBuilder"/>.</summary>
public sealed class TrackingBuilderTests
{
    [Fact]
    public void AddConsentResolver_ReplacesTheDefaultResolver()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOaiqTracking(o => o.PixelId = "px_1").AddConsentResolver<DeniedResolver>();

        using var provider = services.BuildServiceProvider();

        var resolver = Assert.Single(provider.GetServices<IOaiqConsentResolver>());
        Assert.IsType<DeniedResolver>(resolver);
        Assert.Equal(OaiqConsent.Denied, resolver.Resolve(new DefaultHttpContext()));
    }

    [Fact]
    public void AddConsentResolver_BeforeAddOaiqTrackingIsCalledAgain_IsKept()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOaiqTracking(o => o.PixelId = "px_1").AddConsentResolver<DeniedResolver>();
        services.AddOaiqTracking();

        using var provider = services.BuildServiceProvider();

        Assert.IsType<DeniedResolver>(Assert.Single(provider.GetServices<IOaiqConsentResolver>()));
    }

    [Fact]
    public void ConfigureConversionsApi_AppliesAfterBinding()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOaiqTracking(o =>
            {
                o.PixelId = "px_1";
                o.ConversionsApi.MaxBatchSize = 10;
            })
            .ConfigureConversionsApi(api => api.MaxBatchSize = 250);

        using var provider = services.BuildServiceProvider();

        Assert.Equal(250, provider.GetRequiredService<IOptions<OaiqTrackingOptions>>().Value.ConversionsApi.MaxBatchSize);
    }

    [Fact]
    public void BuilderMethods_NullArguments_Throw()
    {
        var builder = new ServiceCollection().AddOaiqTracking(o => o.PixelId = "px_1");

        Assert.Throws<ArgumentNullException>(() => OaiqTrackingBuilderExtensions.AddConsentResolver<DeniedResolver>(null!));
        Assert.Throws<ArgumentNullException>(() => builder.ConfigureConversionsApi(null!));
    }

    private sealed class DeniedResolver : IOaiqConsentResolver
    {
        public OaiqConsent Resolve(HttpContext httpContext) => OaiqConsent.Denied;
    }
}
