namespace OaiqPixel.BrowserTests;

/// <summary>The shop with its consent banner (Shop:RequireConsent true): nothing is tracked before "Accept".</summary>
public sealed class ConsentShopFixture() : ShopBrowserFixture(requireConsent: true);
