namespace OaiqPixel.Abstractions.Tests;

/// <summary>The cheap source-URL check only ever accepts what the full <see cref="Uri"/> parse accepts.</summary>
public sealed class HttpUrlFastPathTests
{
    [Theory]
    [InlineData("https://shop.example/checkout/confirmation", true)]
    [InlineData("http://localhost:5077/products/sku-1", true)]
    [InlineData("https://shop.example.com", true)]
    [InlineData("https://shop.example.com.", true)]
    [InlineData("https://xn--bcher-kva.example/caf%C3%A9/a+b;c=d@e:f", true)]
    [InlineData("https://a-b.c-d.example:65535/", true)]
    [InlineData("https://shop.example:65536/", false)]
    [InlineData("https://shop.example:/", false)]
    [InlineData("https://-shop.example/", false)]
    [InlineData("https://shop-.example/", false)]
    [InlineData("https://shop..example/", false)]
    [InlineData("https://shop_example/", false)]
    [InlineData("https://127.0.0.1/", true)]
    [InlineData("http://203.0.113.7:5077/products/sku-1", true)]
    [InlineData("http://0.0.0.0/", true)]
    [InlineData("http://255.255.255.255/", true)]
    [InlineData("http://256.1.1.1/", false)]
    [InlineData("http://127.0.0.01/", false)]
    [InlineData("http://127.1/", false)]
    [InlineData("http://1.2.3.4.5/", false)]
    [InlineData("http://1.2.3./", false)]
    [InlineData("https://[::1]/", false)]
    [InlineData("https://shop.example/a b", false)]
    [InlineData("https://shop.example/?q=1", false)]
    [InlineData("https://shop.example/%zz", false)]
    [InlineData("https://shop.example/<script>", false)]
    [InlineData("HTTPS://shop.example/", false)]
    [InlineData("ftp://shop.example/", false)]
    [InlineData("https://", false)]
    [InlineData("https:///path", false)]
    [InlineData("/relative", false)]
    public void IsPlainHttpUrl_AcceptsOnlyWhatUriAccepts(string value, bool plain)
    {
        Assert.Equal(plain, ConversionEvent.IsPlainHttpUrl(value));
        if (plain)
        {
            Assert.True(Uri.TryCreate(value, UriKind.Absolute, out var uri));
            Assert.True(uri.Scheme is "http" or "https");
            Assert.NotEmpty(uri.Host);
        }
    }

    [Theory]
    [InlineData("https://127.0.0.1/", true)]
    [InlineData("https://[::1]:8443/x", true)]
    [InlineData("https://shop.example/?q=1", true)]
    [InlineData("HTTPS://shop.example/", true)]
    [InlineData("ftp://shop.example/", false)]
    [InlineData("/relative", false)]
    [InlineData("https://", false)]
    public void IsValidSourceUrl_FallsBackToTheFullParse(string value, bool valid) =>
        Assert.Equal(valid, ConversionEvent.IsValidSourceUrl(value));
}
