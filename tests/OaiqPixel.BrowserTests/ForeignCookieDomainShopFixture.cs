namespace OaiqPixel.BrowserTests;

/// <summary>
/// The shop without a consent banner, with <c>Oaiq:OpprefCookie:Domain</c> set to <c>example.com</c> while it is served
/// from 127.0.0.1: a valid Domain that does not domain-match the host (a staging or development machine).
/// </summary>
public sealed class ForeignCookieDomainShopFixture() : ShopBrowserFixture(requireConsent: false, ("Oaiq:OpprefCookie:Domain", "example.com"));
