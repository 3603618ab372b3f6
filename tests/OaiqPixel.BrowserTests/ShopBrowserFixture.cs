namespace OaiqPixel.BrowserTests;

/// <summary>
/// MvcShop as <c>dotnet run</c> starts it in Development (the sandbox's stub SDK and local Conversions API), on a free
/// loopback port, and one headless Debian Chromium. Every request off this machine is aborted and counted. Each fixture
/// keeps the shop's orders (and its outbox) in a SQLite database of its own, deleted with it.
/// </summary>
public abstract class ShopBrowserFixture : SampleBrowserFixture<Program>
{
    private readonly string _databaseFolder;

    /// <param name="requireConsent">Shop:RequireConsent: the consent banner on or off.</param>
    /// <param name="settings">More configuration, e.g. ("Oaiq:OpprefCookie:Domain", "example.com").</param>
    protected ShopBrowserFixture(bool requireConsent, params (string Key, string Value)[] settings)
        : this(Directory.CreateTempSubdirectory("mvcshop-browser-").FullName, requireConsent, settings)
    {
    }

    private ShopBrowserFixture(string databaseFolder, bool requireConsent, (string Key, string Value)[] settings)
        : base([("Shop:Database", Path.Combine(databaseFolder, "shop.db")), ("Shop:RequireConsent", requireConsent ? "true" : "false"), .. settings]) =>
        _databaseFolder = databaseFolder;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_databaseFolder, recursive: true);
        }
        catch (IOException)
        {
            // Still held open: the temp folder is cleaned by the system.
        }
    }
}
