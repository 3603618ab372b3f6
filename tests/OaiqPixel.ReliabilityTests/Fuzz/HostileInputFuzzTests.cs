using System.Diagnostics;
using System.Globalization;
using System.Text;
using OaiqPixel.ReliabilityTests.Infrastructure;

namespace OaiqPixel.ReliabilityTests.Fuzz;

/// <summary>
/// Seeded fuzz over every input the package reads or renders: <c>oppref</c> (query), the <c>__oppref</c>,
/// <c>__obref</c> and carrier cookies, User-Agent, Cookie and X-Forwarded-* headers, and — through the app's own calls —
/// event ids, custom event names, custom properties, content names, plan ids and user data. 16,000 requests per test, so
/// every input carries a hostile value in over 10,000 of them (counted and asserted),
/// every response checked by <see cref="ResponseInvariants"/>, every event handed to the server leg checked against the
/// Conversions API's rules.
/// </summary>
public sealed class HostileInputFuzzTests(ITestOutputHelper output)
{
    private const string Section = "3 Hostile input fuzz (seeded; every response parsed and checked)";
    private const string Header = "| Target | Cases | Pages parsed | Events checked | Tracker calls refused (ArgumentException) | Events without a usable origin (refused by the queue) | Fewest hostile values in one input | Broken invariants | Time s |\n| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |";
    private const int Cases = 16_000;
    private const int MinHostilePerInput = 10_000;
    private const int Workers = 4;
    private static readonly Dictionary<string, string> s_fieldNames = new()
    {
        ["id"] = "event id (Track)", ["tid"] = "event id (<oaiq-event>)", ["content"] = "content id/name", ["cname"] = "custom event name",
        ["plan"] = "plan id", ["pname"] = "custom property name", ["pval"] = "custom property value", ["email"] = "e-mail",
        ["phone"] = "phone number", ["first"] = "first name",
    };

    private static readonly System.Buffers.SearchValues<char> s_notInSourceUrl = System.Buffers.SearchValues.Create("?#\" <>");

    [Fact]
    public Task Pages_WithHostileQueryCookiesHeadersAndEventValues_NeverBreakOut() =>
        RunAsync(seed: 7_000, post: false, "GET page: oppref, cookies, headers, event id, custom name/property, content, plan, user data");

    [Fact]
    public Task PostRedirectGet_WithHostileValues_WritesOnlyWellFormedCarriersAndRendersThemSafely() =>
        RunAsync(seed: 9_000, post: true, "POST → redirect → GET: the carrier cookie written from hostile events, then replayed into the page");

    private async Task RunAsync(int seed, bool post, string description)
    {
        await using var app = await FuzzApp.StartAsync();
        using var client = app.CreateClient();
        var carrier = await RealCarrierAsync(client);
        var stats = new Stats();
        var stopwatch = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(seed + w);
            for (var i = w; i < Cases; i += Workers)
            {
                await OneCaseAsync(client, random, i, carrier, post, stats);
            }
        })));

        CheckEvents(app, stats);
        Finish(description, stats, stopwatch);
    }

    /// <summary>One case: a request built from hostile values; for a POST, its carrier is then sent to the page.</summary>
    private static async Task OneCaseAsync(HttpClient client, Random random, int i, string carrier, bool post, Stats stats)
    {
        string Marker(string field) => string.Create(CultureInfo.InvariantCulture, $"atk{i}x{field}q");
        string[] devFields = ["id", "tid", "content", "cname", "plan", "pname", "pval", "email", "phone", "first"];
        // Each field is present in 7 cases of 8; a custom name is a valid one in a quarter of those, so events still flow.
        var values = devFields.Where(_ => random.Next(8) > 0).ToDictionary(f => f, f => f is "cname" && random.Next(4) == 0 ? "ok_name_" + random.Next(99) : Hostile.Next(random));
        foreach (var (field, value) in values)
        {
            if (!value.StartsWith("ok_name_", StringComparison.Ordinal))
            {
                stats.CountHostile(s_fieldNames[field]);
            }
        }

        stats.CountHostile("oppref (query)");
        stats.CountHostile("__oppref cookie");
        stats.CountHostile("__obref cookie");
        stats.CountHostile("User-Agent");
        var oppref = random.Next(3) == 0 ? "gAAAAB" + Marker("oppref") + "==" : Hostile.Next(random) + Marker("oppref");
        var query = new StringBuilder("?oppref=").Append(Hostile.QueryValue(oppref, random));
        foreach (var (field, value) in values)
        {
            query.Append('&').Append(field).Append('=').Append(Hostile.QueryValue(value, random));
        }

        using var request = new HttpRequestMessage(post ? HttpMethod.Post : HttpMethod.Get, (post ? "/fuzz/place" : "/fuzz/page") + query);
        var cookieOppref = Hostile.NextHeaderValue(random) + Marker("cookieoppref");
        var obref = Hostile.NextHeaderValue(random) + Marker("obref");
        var carried = random.Next(6) switch
        {
            0 or 1 => ForgedCarrier(carrier, random),
            2 or 3 => Hostile.NextHeaderValue(random),
            _ => null,
        };
        if (carried is not null)
        {
            stats.CountHostile("carrier cookie");
        }

        var cookie = $"__oppref={cookieOppref}; __obref={obref}" + (carried is null ? string.Empty : "; __oaiq_carry=" + carried);
        request.Headers.TryAddWithoutValidation("Cookie", cookie);
        request.Headers.TryAddWithoutValidation("User-Agent", Hostile.NextHeaderValue(random) + Marker("ua"));
        if (random.Next(3) > 0)
        {
            stats.CountHostile("X-Forwarded-*");
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", Hostile.NextHeaderValue(random));
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", Hostile.NextHeaderValue(random));
            request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", random.Next(2) == 0 ? "https" : Hostile.NextHeaderValue(random));
        }

        string[] markers = [Marker("oppref"), Marker("cookieoppref"), Marker("obref"), Marker("ua")];
        var devLength = values.Values.Sum(v => v.Length);
        var maxScript = 4096 + (24 * devLength);

        using var response = await client.SendAsync(request);
        var html = await ReadPageAsync(response);
        stats.Add(ResponseInvariants.Check(response, html, markers, maxScript), html is not null, i, query.ToString());
        if (html is not null && ParseRecorded(html) is { } recorded)
        {
            stats.AddRefused(3 - recorded);
        }

        if (post && response.Headers.TryGetValues("Set-Cookie", out var setCookies)
            && setCookies.FirstOrDefault(c => c.StartsWith("__oaiq_carry=", StringComparison.Ordinal)) is { } written)
        {
            // The carrier the app wrote goes to the next page, as a browser would send it.
            using var next = new HttpRequestMessage(HttpMethod.Get, "/fuzz/page");
            next.Headers.TryAddWithoutValidation("Cookie", written.Split(';')[0]);
            using var page = await client.SendAsync(next);
            var pageHtml = await ReadPageAsync(page);
            stats.Add(ResponseInvariants.Check(page, pageHtml, markers, maxScript), pageHtml is not null, i, "carrier of " + query);
        }
    }

    private static async Task<string?> ReadPageAsync(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType == "text/html" ? await response.Content.ReadAsStringAsync() : null;

    private static int? ParseRecorded(string html)
    {
        var at = html.IndexOf("data-recorded=\"", StringComparison.Ordinal);
        return at < 0 ? null : int.Parse(html.AsSpan(at + 15, 1), CultureInfo.InvariantCulture);
    }

    /// <summary>A real carrier, to be tampered with.</summary>
    private static async Task<string> RealCarrierAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/fuzz/place?id=order_1&content=sku-1", null);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__oaiq_carry=", StringComparison.Ordinal)).Split(';')[0]["__oaiq_carry=".Length..];
    }

    /// <summary>A tampered carrier: bit flips, truncation, extension, a swapped segment, or a huge one.</summary>
    private static string ForgedCarrier(string real, Random random)
    {
        var chars = real.ToCharArray();
        switch (random.Next(5))
        {
            case 0:
                var at = random.Next(chars.Length);
                chars[at] = chars[at] == 'A' ? 'B' : 'A';
                return new string(chars);
            case 1:
                return real[..random.Next(real.Length)];
            case 2:
                return real + real[..Math.Min(16, real.Length)];
            case 3:
                return new string('A', random.Next(1, 200_000));
            default:
                return Convert.ToBase64String(Encoding.UTF8.GetBytes(Hostile.Next(random))).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        }
    }

    /// <summary>
    /// Every event the app handed to the server leg serializes, and is one the Conversions API accepts — except that a
    /// request whose own scheme or host is unusable (a hostile X-Forwarded-Proto/Host, trusted here on purpose) yields no
    /// source_url rather than a hostile one; the queue then refuses that event with a log line. Any source_url present is a
    /// clean absolute http(s) URL without query or fragment.
    /// </summary>
    private static void CheckEvents(FuzzApp app, Stats stats)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var e in app.Sink!.Events)
        {
            stats.AddEvent();
            var errors = ConversionEventValidator.Validate(e, now).Select(x => x.ToString()).ToList();
            if (e.SourceUrl is null && errors.RemoveAll(x => x.StartsWith("source_url", StringComparison.Ordinal)) > 0)
            {
                stats.AddWithoutOrigin();
            }

            if (e.SourceUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || url.AsSpan().IndexOfAny(s_notInSourceUrl) >= 0 || url.Any(char.IsControl)))
            {
                errors.Add("source_url is not a clean absolute http(s) URL: " + url);
            }

            if (errors.Count > 0)
            {
                stats.Add([$"event {e.Event.Name} handed to the server leg is invalid: {string.Join("; ", errors)}"], false, -1, "events");
            }

            _ = OaiqPixel.AspNetCore.ConversionsApi.ConversionEventRecord.Create(e, "px_fuzz");
        }
    }

    private void Finish(string target, Stats stats, Stopwatch stopwatch)
    {
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| {target} | {Cases:N0} | {stats.Pages:N0} | {stats.Events:N0} | {stats.Refused:N0} | {stats.WithoutOrigin:N0} | {stats.FewestHostile.Count:N0} ({stats.FewestHostile.Input}) | {stats.Problems.Count} | {stopwatch.Elapsed.TotalSeconds:F1} |");
        ReliabilityReport.AddRow(Section, Header, target, row);
        output.WriteLine(Header);
        output.WriteLine(row);
        Assert.True(stats.Problems.Count == 0, $"{stats.Problems.Count} broken invariants, e.g.:\n" + string.Join("\n", stats.Problems.Take(8)));
        Assert.True(stats.FewestHostile.Count >= MinHostilePerInput,
            $"only {stats.FewestHostile.Count:N0} hostile values reached {stats.FewestHostile.Input}; the fuzz promises {MinHostilePerInput:N0} per input");
    }

    private sealed class Stats
    {
        private int _pages;
        private int _events;
        private int _refused;
        private int _withoutOrigin;
        private readonly Dictionary<string, int> _hostile = [];

        public List<string> Problems { get; } = [];

        /// <summary>The input that received the fewest hostile values, and how many.</summary>
        public (string Input, int Count) FewestHostile
        {
            get
            {
                lock (_hostile)
                {
                    var fewest = _hostile.MinBy(p => p.Value);
                    return (fewest.Key, fewest.Value);
                }
            }
        }

        public void CountHostile(string input)
        {
            lock (_hostile)
            {
                _hostile[input] = _hostile.GetValueOrDefault(input) + 1;
            }
        }

        public int Pages => _pages;

        public int Events => _events;

        public int Refused => _refused;

        public void Add(List<string> problems, bool page, int i, string request)
        {
            if (page)
            {
                Interlocked.Increment(ref _pages);
            }

            if (problems.Count > 0)
            {
                lock (Problems)
                {
                    Problems.AddRange(problems.Select(p => $"case {i}: {p} [{(request.Length > 300 ? request[..300] + "…" : request)}]"));
                }
            }
        }

        public int WithoutOrigin => _withoutOrigin;

        public void AddEvent() => Interlocked.Increment(ref _events);

        public void AddWithoutOrigin() => Interlocked.Increment(ref _withoutOrigin);

        public void AddRefused(int count) => Interlocked.Add(ref _refused, count);
    }
}
