using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.WebEncoders.Testing;
using OaiqPixel.AspNetCore.TagHelpers;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.TagHelpers;

public sealed class OaiqPixelTagHelperTests
{
    [Fact]
    public void Process_NoScriptFallback_HtmlEncodesTheImageUrl()
    {
        // Arrange
        using var services = BuildServices(options =>
        {
            options.PixelId = "px\"<&>";
            options.NoScriptFallback = true;
        });
        var helper = new OaiqPixelTagHelper() { ViewContext = CreateViewContext(services, "?oppref=gAAAA%3D") };
        var output = CreateOutput();

        // Act
        helper.Process(CreateContext(), output);

        // Assert: the image URL goes through the page's HTML encoder.
        var html = Html(output);
        Assert.StartsWith("<script>", html, StringComparison.Ordinal);
        var noscript = html[html.IndexOf("<noscript>", StringComparison.Ordinal)..];
        Assert.StartsWith("<noscript><img height=\"1\" width=\"1\" style=\"display:none\" alt=\"\" src=\"HtmlEncode[[https://bzr.openai.com/v1/sdk/events?pid=px%22%3C%26%3E&event=page_viewed&data%5Btype%5D=contents&event_id=evt_", noscript);
        Assert.EndsWith("&oppref=gAAAA%3D]]\"></noscript>", noscript);
    }

    [Fact]
    public void Process_WithoutServices_RendersNothingAndDoesNotThrow()
    {
        // Arrange
        using var services = new ServiceCollection().BuildServiceProvider();
        var helper = new OaiqPixelTagHelper() { ViewContext = CreateViewContext(services, "") };
        var output = CreateOutput();

        // Act
        helper.Process(CreateContext(), output);

        // Assert
        Assert.Null(output.TagName);
        Assert.Equal(string.Empty, Html(output));
    }

    [Fact]
    public void Process_WithUser_WritesHashedUserOnInit()
    {
        // Arrange
        using var services = BuildServices(options => options.PixelId = "px");
        var helper = new OaiqPixelTagHelper()
        {
            ViewContext = CreateViewContext(services, ""),
            User = UserData.FromEmail("ada@example.com").WithCountry("US"),
            Nonce = "n0nce",
        };
        var output = CreateOutput();

        // Act
        helper.Process(CreateContext(), output);

        // Assert
        var html = Html(output);
        Assert.StartsWith("<script nonce=\"HtmlEncode[[n0nce]]\">", html, StringComparison.Ordinal);
        Assert.Contains("oaiq(\"init\",{\"pixelId\":\"px\",\"user\":{\"email_sha256\":\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("ada@example.com", html, StringComparison.Ordinal);
    }

    private static ServiceProvider BuildServices(Action<OaiqTrackingOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOaiqTracking(configure);
        services.AddSingleton<OaiqPixel.AspNetCore.ConversionsApi.IConversionEventStore, CapturingSink>();
        return services.BuildServiceProvider();
    }

    private static ViewContext CreateViewContext(IServiceProvider services, string query)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("shop.example");
        http.Request.Path = "/p";
        http.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        return new ViewContext { HttpContext = http, RouteData = new RouteData(), ActionDescriptor = new ActionDescriptor() };
    }

    private static string Html(TagHelperOutput output)
    {
        using var writer = new StringWriter();
        output.WriteTo(writer, new HtmlTestEncoder());
        return writer.ToString();
    }

    private static TagHelperContext CreateContext() => new("oaiq-pixel", [], new Dictionary<object, object>(), "id");

    private static TagHelperOutput CreateOutput() =>
        new("oaiq-pixel", [], (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent())) { TagMode = TagMode.SelfClosing };
}
