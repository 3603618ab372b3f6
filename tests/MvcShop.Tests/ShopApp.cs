using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.Sandbox;

namespace MvcShop.Tests;

/// <summary>
/// MvcShop as <c>dotnet run</c> starts it (Development: stub SDK, local Conversions API sandbox), but on a free loopback
/// port, with the sandbox's BaseAddress pointing at that port and a short flush interval.
/// </summary>
public sealed class ShopApp : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private ShopApp(WebApplicationFactory<Program> factory, Uri baseAddress, string databaseFolder)
    {
        _factory = factory;
        BaseAddress = baseAddress;
        DatabaseFolder = databaseFolder;
    }

    /// <summary>The folder of this app's own SQLite file (Shop:Database), deleted on dispose.</summary>
    public string DatabaseFolder { get; }

    /// <summary>The app's orders and outbox, through its own context type (a scope of the app's services).</summary>
    public T Query<T>(Func<MvcShop.Data.ShopDbContext, T> query)
    {
        using var scope = _factory.Services.CreateScope();
        return query(scope.ServiceProvider.GetRequiredService<MvcShop.Data.ShopDbContext>());
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _factory.Services;

    public OaiqSandbox Sandbox => _factory.Services.GetRequiredService<OaiqSandbox>();

    public static ShopApp Start(bool requireConsent, string environment = "Development", IReadOnlyDictionary<string, string?>? settings = null)
    {
        var port = FreePort();
        var databaseFolder = Directory.CreateTempSubdirectory("mvcshop-tests-").FullName;
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            builder.UseSetting("Shop:Database", Path.Combine(databaseFolder, "shop.db"));
            builder.UseSetting("Shop:RequireConsent", requireConsent ? "true" : "false");
            builder.UseSetting("Oaiq:ConversionsApi:BaseAddress", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/oaiq/"));
            builder.UseSetting("Oaiq:ConversionsApi:FlushInterval", "00:00:00.100");
            builder.UseSetting("Oaiq:ConversionsApi:ShutdownTimeout", "00:00:01");
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }
        });
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        factory.StartServer();
        return new ShopApp(factory, factory.ClientOptions.BaseAddress, databaseFolder);
    }

    /// <summary>A person's desktop Chrome (isbot: not a bot).</summary>
    public const string BrowserUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    /// <summary>
    /// A browser-like client: keeps cookies, follows redirects, talks HTTP to the loopback Kestrel, and sends what a
    /// browser sends on a navigation (Fetch Metadata and a browser's user agent), so view events reach the server leg too.
    /// </summary>
    public ShopSession CreateSession()
    {
        // The handler's own cookies, as a browser keeps them: each redirect hop sends what the previous response set (the
        // test factory's cookie handler sits outside the redirects, so a hop would send the first request's cookies again).
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = true })
        {
            BaseAddress = BaseAddress,
        };
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", BrowserUserAgent);
        client.DefaultRequestHeaders.Add("Sec-Fetch-Site", "same-origin");
        client.DefaultRequestHeaders.Add("Sec-Fetch-Mode", "navigate");
        client.DefaultRequestHeaders.Add("Sec-Fetch-Dest", "document");
        return new ShopSession(client);
    }

    public HttpClient CreateClient(bool allowAutoRedirect = true) =>
        _factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = BaseAddress, AllowAutoRedirect = allowAutoRedirect });

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DatabaseFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file another test's pool still holds open: the temp folder is cleaned by the system.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
