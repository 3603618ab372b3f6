using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using OaiqPixel.ReliabilityTests.Infrastructure;

namespace OaiqPixel.ReliabilityTests.Fuzz;

/// <summary>
/// A sample of the hostile corpus rendered into real pages and run by headless Chromium: every payload goes into the
/// content id and name, plan id, event id (through <c>&lt;oaiq-event /&gt;</c>), custom property and <c>oppref</c>, on a
/// direct page and after a Post/Redirect/Get (through the carrier cookie). A breakout would run <c>alert</c> and open a
/// dialog; the page's own script must have run (the SDK stub saw <c>init</c>).
/// </summary>
public sealed class BrowserBreakoutTests : IAsyncLifetime
{
    private const string Section = "4 Headless Chromium (a sample of the corpus, each payload in every value, direct and after PRG)";
    private const string Header = "| Payloads | Pages loaded | Dialogs fired | Pages whose pixel script ran | Time s |\n| --- | ---: | ---: | ---: | ---: |";

    // Replaces the loader's queue with a recorder and replays what was queued before it loaded.
    private const string SdkStub = """
        (function (w) {
          var queued = (w.oaiq && w.oaiq.q) || [];
          var calls = w.__oaiqCalls = [];
          var oaiq = function () { calls.push(Array.prototype.slice.call(arguments)); };
          oaiq.loaded = true;
          w.oaiq = oaiq;
          for (var i = 0; i < queued.length; i++) { oaiq.apply(null, queued[i]); }
        })(window);
        """;

    private readonly ITestOutputHelper _output;
    private FuzzApp? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public BrowserBreakoutTests(ITestOutputHelper output) => _output = output;

    public async Task InitializeAsync()
    {
        _app = await FuzzApp.StartAsync(kestrel: true);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task CorpusPayloads_InEveryValue_NeverFireADialogAndThePixelScriptRuns()
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var payloads = Hostile.Corpus.Where(p => p.Length > 0 && !p.Any(char.IsSurrogate) && p.Contains("alert", StringComparison.Ordinal)).ToList();
        var random = new Random(42);
        payloads.AddRange(Enumerable.Range(0, 10).Select(_ => Hostile.Corpus.Where(p => p.Contains("alert", StringComparison.Ordinal)).ElementAt(random.Next(10)) + Hostile.Next(random)).Where(p => !p.Any(char.IsSurrogate)));

        var dialogs = new List<string>();
        var loaded = 0;
        var ran = 0;
        var context = await _browser!.NewContextAsync();
        var page = await context.NewPageAsync();
        page.Dialog += (_, dialog) =>
        {
            lock (dialogs)
            {
                dialogs.Add(dialog.Message);
            }

            _ = dialog.DismissAsync();
        };
        await page.RouteAsync("**/*", route =>
            new Uri(route.Request.Url).Host is "127.0.0.1" or "localhost" ? route.ContinueAsync() : route.AbortAsync());
        await page.RouteAsync(FuzzApp.SdkUrl, route => route.FulfillAsync(new() { Status = 200, ContentType = "application/javascript", Body = SdkStub }));

        // Positive control: the detector sees a real alert.
        await page.SetContentAsync("<script>alert('control')</script>");
        Assert.Equal(["control"], dialogs);
        dialogs.Clear();

        foreach (var payload in payloads)
        {
            var value = Uri.EscapeDataString(payload);
            var query = $"?content={value}&plan={value}&pval={value}&id={value}&tid={value}&cname=quote_requested&oppref={value}";

            // Direct page.
            await page.GotoAsync(new Uri(_app!.BaseAddress, "fuzz/page" + query).ToString());
            loaded++;
            ran += await PixelRanAsync(page) ? 1 : 0;

            // Post/Redirect/Get: the events ride the carrier cookie to the next page.
            var post = await context.APIRequest.PostAsync(new Uri(_app.BaseAddress, "fuzz/place" + query).ToString(), new() { MaxRedirects = 0 });
            Assert.Equal(302, post.Status);
            await page.GotoAsync(new Uri(_app.BaseAddress, "fuzz/page").ToString());
            loaded++;
            ran += await PixelRanAsync(page) ? 1 : 0;
        }

        await context.CloseAsync();
        var row = string.Create(CultureInfo.InvariantCulture, $"| {payloads.Count} | {loaded} | {dialogs.Count} | {ran} | {stopwatch.Elapsed.TotalSeconds:F1} |");
        ReliabilityReport.AddRow(Section, Header, "chromium", row);
        _output.WriteLine(Header);
        _output.WriteLine(row);
        Assert.True(dialogs.Count == 0, "A payload broke out and opened a dialog: " + string.Join(" | ", dialogs));
        Assert.Equal(loaded, ran);
    }

    private static async Task<bool> PixelRanAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => window.__oaiqCalls !== undefined", null, new() { Timeout = 10_000 });
        var calls = await page.EvaluateAsync<JsonElement>("() => window.__oaiqCalls.map(a => a[0])");
        return calls.EnumerateArray().Select(c => c.GetString()).Contains("init");
    }
}
