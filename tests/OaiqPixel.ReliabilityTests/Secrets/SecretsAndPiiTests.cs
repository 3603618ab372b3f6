using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OaiqPixel.ReliabilityTests.Fuzz;
using OaiqPixel.ReliabilityTests.Infrastructure;
using OaiqPixel.Testing;

namespace OaiqPixel.ReliabilityTests.Secrets;

/// <summary>
/// Every log line (all levels down to Trace: message, structured state, scopes, exception) and every rendered page of a
/// full funnel is searched for the Conversions API key, raw e-mail addresses, phone numbers and names, <c>oppref</c> and
/// <c>obref</c>. The server leg runs for real against the fake API, through its error paths too (401, a rejected batch).
/// </summary>
public sealed class SecretsAndPiiTests
{
    private const string ApiKey = "sk-svcacct-SECRET-conversions-key-0123456789";
    private const string Oppref = "gAAAAABsecret-click-oppref_token-4242==";
    private const string Obref = "3b9d7c1e-5f2a-4e8b-9c0d-1a2b3c4d5e6f";

    private static readonly string[] s_secrets =
    [
        ApiKey, Oppref, Obref,
        EveryEventType.Email, EveryEventType.Email.ToLowerInvariant(), EveryEventType.Phone, EveryEventType.PhoneDigits, "+" + EveryEventType.PhoneDigits,
        EveryEventType.FirstName, EveryEventType.LastName, EveryEventType.ExternalId,
    ];

    [Fact]
    public async Task TestApp_EveryEventTypeWithRawPii_ThroughBothLegsAndTheirErrorPaths_LeaksNothing()
    {
        // Arrange: the real server leg, against a fake API that first refuses the key, then rejects a batch.
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { ApiKey = ApiKey, PixelId = FuzzApp.PixelId });
        api.EnqueueFaults(Fault.Status(401), Fault.Status(503), Fault.Status(400));
        var settings = ServerLegHost.Settings(api);
        await using var app = await FuzzApp.StartAsync(serverLeg: settings);
        using var client = app.CreateClient();
        var pages = new List<string>();

        // Act: a landing with oppref and obref, every event type rendered on a page, then again across a redirect.
        pages.Add(await GetAsync(client, $"/fuzz/every-event?oppref={Oppref}", $"__obref={Obref}"));
        using var post = new HttpRequestMessage(HttpMethod.Post, "/fuzz/every-event");
        post.Headers.TryAddWithoutValidation("Cookie", $"__oppref={Oppref}; __obref={Obref}");
        using var posted = await client.SendAsync(post);
        var carrier = posted.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__oaiq_carry=", StringComparison.Ordinal)).Split(';')[0];
        pages.Add(await GetAsync(client, "/fuzz/page", $"__oppref={Oppref}; __obref={Obref}; {carrier}"));
        await api.WaitForEventsAsync(20, TimeSpan.FromSeconds(20));

        // Assert
        Assert.Contains("quote_requested", pages[0], StringComparison.Ordinal);
        Assert.True(pages[1].Contains("quote_requested", StringComparison.Ordinal), pages[1]);
        AssertNothingLeaks(app.Logs, pages);
        AssertOnlyHashesLeftTheProcess(api);
    }

    [Fact]
    public async Task MvcShop_FullFunnel_LeaksNothing()
    {
        // Arrange: the sample as shipped (Development: pixel on), its server leg pointed at the fake, every log at Trace.
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { ApiKey = ApiKey });
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Shop:Database", Path.Combine(Directory.CreateTempSubdirectory("mvcshop-pii-").FullName, "shop.db"));
            builder.UseSetting("Shop:RequireConsent", "false"); // if the sample asks for consent, this funnel has it
            builder.UseSetting("Oaiq:PixelId", api.PixelId);
            builder.UseSetting("Oaiq:ConversionsApi:ApiKey", ApiKey);
            builder.UseSetting("Oaiq:ConversionsApi:BaseAddress", api.BaseAddress.ToString());
            builder.UseSetting("Oaiq:ConversionsApi:FlushInterval", "00:00:00.050");
            builder.UseSetting("Logging:LogLevel:Default", "Trace");
            builder.UseSetting("Logging:LogLevel:Microsoft", "Trace");
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
            builder.UseSetting("Logging:LogLevel:OaiqPixel", "Trace");
            builder.ConfigureLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Trace));
            builder.ConfigureServices(services => services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false));
        });
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        client.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", $"__obref={Obref}; .AspNet.Consent=yes");

        // Act: crawl every same-site link from the landing page and submit every form found, filling any e-mail,
        // phone or name field with raw PII.
        var logs = factory.Services.GetFakeLogCollector();
        var pages = await CrawlAsync(client, $"/?oppref={Oppref}");
        await api.WaitForEventsAsync(1, TimeSpan.FromSeconds(20));

        // Stopping the app drains its server leg and ends with the sender's last line (120): every log line and request
        // the crawl caused is in by then.
        await factory.DisposeAsync();
        Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 120);

        // Assert
        Assert.True(pages.Count >= 3, $"The crawl saw only {pages.Count} pages.");
        AssertNothingLeaks(logs, pages);
        AssertOnlyHashesLeftTheProcess(api);
    }

    private static async Task<string> GetAsync(HttpClient client, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Cookie", cookie);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<List<string>> CrawlAsync(HttpClient client, string start)
    {
        var parser = new HtmlParser();
        var pages = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var queue = new Queue<string>([start]);
        var forms = 0;
        while (queue.Count > 0 && pages.Count < 40)
        {
            using var response = await client.GetAsync(queue.Dequeue());
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "text/html")
            {
                continue;
            }

            var html = await response.Content.ReadAsStringAsync();
            pages.Add(html);
            var document = await parser.ParseDocumentAsync(html);
            foreach (var link in document.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!))
            {
                if (link.StartsWith('/') && !link.StartsWith("//", StringComparison.Ordinal) && seen.Add(link))
                {
                    queue.Enqueue(link);
                }
            }

            foreach (var form in document.Forms.Where(f => string.Equals(f.Method, "post", StringComparison.OrdinalIgnoreCase)))
            {
                if (forms++ > 10)
                {
                    break;
                }

                using var submitted = await client.PostAsync(form.GetAttribute("action") ?? "/", new FormUrlEncodedContent(Fill(form)));
                if (submitted.Content.Headers.ContentType?.MediaType == "text/html")
                {
                    pages.Add(await submitted.Content.ReadAsStringAsync());
                }
            }
        }

        return pages;
    }

    private static IEnumerable<KeyValuePair<string, string>> Fill(IHtmlFormElement form)
    {
        foreach (var input in form.Elements.OfType<IHtmlInputElement>().Where(i => !string.IsNullOrEmpty(i.Name)))
        {
            var name = input.Name!.ToLowerInvariant();
            var value = input.Type switch
            {
                "email" => EveryEventType.Email,
                "tel" => EveryEventType.Phone,
                _ when name.Contains("email", StringComparison.Ordinal) => EveryEventType.Email,
                _ when name.Contains("phone", StringComparison.Ordinal) => EveryEventType.Phone,
                _ when name.Contains("first", StringComparison.Ordinal) => EveryEventType.FirstName,
                _ when name.Contains("last", StringComparison.Ordinal) || name.Contains("name", StringComparison.Ordinal) => EveryEventType.LastName,
                "number" => string.IsNullOrEmpty(input.Value) ? "1" : input.Value,
                "checkbox" => "true",
                _ => input.Value,
            };
            yield return KeyValuePair.Create(input.Name!, value);
        }

        // Fill the rest too, so every form is accepted: a form refused by validation echoes the visitor's own input
        // back into its fields, which is not a leak and would hide whether the conversion path itself leaks.
        foreach (var area in form.Elements.OfType<IHtmlTextAreaElement>().Where(t => !string.IsNullOrEmpty(t.Name)))
        {
            yield return KeyValuePair.Create(area.Name!, "A message from the crawler.");
        }

        foreach (var select in form.Elements.OfType<IHtmlSelectElement>().Where(s => !string.IsNullOrEmpty(s.Name)))
        {
            var option = select.Options.FirstOrDefault(o => !string.IsNullOrEmpty(o.Value));
            if (option is not null)
            {
                yield return KeyValuePair.Create(select.Name!, option.Value);
            }
        }
    }

    private static void AssertNothingLeaks(FakeLogCollector logs, List<string> pages)
    {
        // ASP.NET Core's own "Request starting/finished GET https://host/path?query" lines (Information; off in the
        // sample's settings, forced on here) hold the landing URL and so its oppref query parameter. Those two lines are
        // the framework's: SECURITY.md tells apps to keep Microsoft.AspNetCore at Warning or redact them. They are still
        // searched for every other secret; everything else, at every level, must be clean of all of them.
        var texts = logs.GetSnapshot().Select(r =>
        {
            var text = LogText.Of([r]).Single();
            return r.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && r.Id.Id is 1 or 2 ? text.Replace(Oppref, "[landing query]", StringComparison.Ordinal) : text;
        }).ToList();
        Assert.True(texts.Count > 50, $"Only {texts.Count} log lines were captured.");
        foreach (var secret in s_secrets)
        {
            var line = texts.FirstOrDefault(t => t.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.True(line is null, $"A log line holds a secret ({secret[..4]}…): {line}");
            var page = pages.FirstOrDefault(p => p.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.True(page is null, $"A rendered page holds a secret ({secret[..4]}…).");
        }
    }

    private static void AssertOnlyHashesLeftTheProcess(FakeConversionsApi api)
    {
        Assert.NotEmpty(api.Requests);
        foreach (var request in api.Requests)
        {
            foreach (var secret in s_secrets.Except([ApiKey, Oppref, Obref]))
            {
                Assert.DoesNotContain(secret, request.Body, StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
