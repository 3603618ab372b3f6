using Microsoft.AspNetCore.Http;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Tests.Tracking;

/// <summary>
/// A request's <c>source_url</c> (spec §4.2) is remembered for the next request of the same page: every part of the
/// page's address must still count, so a request for another page never gets the last page's URL.
/// </summary>
public sealed class SourceUrlsTests
{
    [Fact]
    public void RequestsThatDifferInOnePart_EachGetTheirOwnUrl()
    {
        // Each request differs from the one before it in one part only, then the first comes again.
        Assert.Equal("https://shop.example/products/42", SourceUrls.For(Request("https", "shop.example", "", "/products/42")));
        Assert.Equal("https://shop.example/products/43", SourceUrls.For(Request("https", "shop.example", "", "/products/43")));
        Assert.Equal("https://shop.example/fr/products/43", SourceUrls.For(Request("https", "shop.example", "/fr", "/products/43")));
        Assert.Equal("https://shop.example:8443/fr/products/43", SourceUrls.For(Request("https", "shop.example:8443", "/fr", "/products/43")));
        Assert.Equal("http://shop.example:8443/fr/products/43", SourceUrls.For(Request("http", "shop.example:8443", "/fr", "/products/43")));
        Assert.Equal("https://shop.example/products/42", SourceUrls.For(Request("https", "shop.example", "", "/products/42")));
    }

    [Fact]
    public void SamePage_GetsTheSameUrl_AndTheQueryIsNeverPartOfIt()
    {
        var first = SourceUrls.For(Request("https", "shop.example", "", "/cart", "?oppref=abc&email=a%40b.example"));
        var second = SourceUrls.For(Request("https", "shop.example", "", "/cart"));

        Assert.Equal("https://shop.example/cart", first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void NoHost_HasNoUrl_AndTheNextRequestStillGetsItsOwn()
    {
        Assert.Null(SourceUrls.For(Request("https", "", "", "/cart")));
        Assert.Equal("https://other.example/cart", SourceUrls.For(Request("https", "other.example", "", "/cart")));
    }

    private static HttpRequest Request(string scheme, string host, string pathBase, string path, string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        if (host.Length > 0)
        {
            context.Request.Host = new HostString(host);
        }

        context.Request.PathBase = pathBase;
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }
}
