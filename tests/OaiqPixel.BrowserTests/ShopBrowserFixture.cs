namespace OaiqPixel.BrowserTests;

/// <summary>
/// MvcShop as <c>dotnet run</c> starts it in Development (the sandbox's stub SDK and local Conversions API), on a free
/// loopback port, and one headless Debian Chromium. Every request off this machine is aborted and counted.
/// </summary>
/// <param name="requireConsent">Shop:RequireConsent: the consent banner on or off.</param>
/// <param name="settings">More configuration, e.g. ("Oaiq:OpprefCookie:Domain", "example.com").</param>
public abstract class ShopBrowserFixture(bool requireConsent, params (string Key, string Value)[] settings)
    : SampleBrowserFixture<Program>([("Shop:RequireConsent", requireConsent ? "true" : "false"), .. settings]);
