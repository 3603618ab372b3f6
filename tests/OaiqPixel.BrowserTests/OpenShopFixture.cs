namespace OaiqPixel.BrowserTests;

/// <summary>The shop without a consent banner (Shop:RequireConsent false): tracking runs from the first page.</summary>
public sealed class OpenShopFixture() : ShopBrowserFixture(requireConsent: false);
