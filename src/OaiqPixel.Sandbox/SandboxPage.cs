using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using OaiqPixel.AspNetCore;

namespace OaiqPixel.Sandbox;

/// <summary>
/// Renders the /oaiq page: recent event ids with both legs side by side, refused batches, each durable store (the outbox)
/// and raw pixel calls. Every value is HTML-encoded; no key is ever written.
/// </summary>
internal static class SandboxPage
{
    private static readonly HtmlEncoder s_html = HtmlEncoder.Default;

    public static string Render(OaiqSandbox sandbox, OaiqTrackingOptions options, IReadOnlyList<string> serverAddresses, string pagePath, IReadOnlyList<SandboxStore> stores, AntiforgeryTokenSet tokens, IReadOnlyList<string> replayTargets)
    {
        var rows = sandbox.BuildRows();
        var rejections = sandbox.Rejections;
        var calls = sandbox.BrowserCalls;
        var html = new StringBuilder(16 * 1024);
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8" /><meta http-equiv="refresh" content="3" />
            <title>OaiqPixel sandbox</title>
            <style>
              body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; }
              table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
              th, td { border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
              th { background: #f4f4f6; }
              code { font-size: 12px; }
              .ok { color: #137333; } .bad { color: #b3261e; font-weight: 600; } .wait { color: #8a6d00; } .skip { color: #5f4b8b; }
              tr.problem { background: #fff4f3; }
              .config td:first-child { width: 14rem; color: #555; }
            </style></head><body>
            <h1>OaiqPixel development sandbox</h1>
            <p>Both legs of every event, by event id: <strong>fired in the browser?</strong> (reported by the stub SDK)
            and <strong>received by the Conversions API?</strong> (this app's local sandbox, validated like the real API:
            one bad event refuses the whole batch). Refreshes every 3 seconds. Nothing here leaves this machine.</p>
            """);

        html.Append("<p><a id=\"support-bundle\" download href=\"").Append(s_html.Encode(pagePath.TrimEnd('/') + "/" + SandboxSupportBundle.Path)).Append("\">Download the support bundle</a>: redacted JSON (versions, configuration without secrets, health, counts, the API's recent answers with their x-request-id) to attach to a support request.</p>");
        var baseAddress = options.ConversionsApi.BaseAddress;
        var pointsHere = baseAddress.IsLoopback
            && baseAddress.AbsolutePath.TrimEnd('/').Equals(pagePath.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            && serverAddresses.Any(a => Uri.TryCreate(SandboxServerAddresses.Localize(a), UriKind.Absolute, out var uri) && uri.Port == baseAddress.Port);
        html.Append("<table class=\"config\"><tbody>");
        Row(html, "Tracking", options.Enabled ? "on" : "off (Oaiq:Enabled or Oaiq:PixelId)", options.Enabled ? "ok" : "bad");
        Row(html, "Pixel id", options.PixelId ?? "(none)", null);
        if (options.Pixels.Count > 0)
        {
            Row(html, "More pixels (Oaiq:Pixels)", string.Join(", ", options.Pixels.Select(p => p?.PixelId ?? "?")), null);
        }

        Row(html, "Browser leg", options.BrowserLeg.ToString(), null);
        Row(html, "SDK URL", options.SdkUrl, options.SdkUrl.EndsWith("/sdk.js", StringComparison.Ordinal) ? "ok" : "wait");
        Row(html, "Conversions API", options.ConversionsApi.IsEnabled
            ? $"{baseAddress} {(pointsHere ? "(this app's sandbox)" : $"(NOT this app: it listens on {string.Join(", ", serverAddresses)}; set Oaiq:ConversionsApi:BaseAddress to http://localhost:PORT{pagePath.TrimEnd('/')}/)")}"
            : "off: no Oaiq:ConversionsApi:ApiKey", options.ConversionsApi.IsEnabled && pointsHere ? "ok" : "bad");
        Row(html, "Flush interval", options.ConversionsApi.FlushInterval.ToString("c", CultureInfo.InvariantCulture), null);
        html.Append("</tbody></table>");

        html.Append("<h2>Events</h2>");
        if (rows.Count == 0)
        {
            html.Append("<p>No events yet. Browse the <a href=\"/\">app</a>: each page sends page_viewed, and every event it records shows here.</p>");
        }
        else
        {
            const string columns = "<th>Pixel</th><th>Event id</th><th>Browser (pixel)</th><th>Server (Conversions API)</th><th>Match keys</th><th>Page</th><th>Check</th><th>Last seen</th>";
            Table(html, " id=\"events\"", columns, rows, row => row.Problems.Any(p => ProblemClass(p) == "bad"), row =>
            {
                Cell(html, row.PixelId ?? "—", code: true);
                Cell(html, row.Id, code: true);
                Leg(html, row.BrowserName, row.BrowserCount, "fired");
                Leg(html, row.ServerName, row.ServerCount, "received");
                Cell(html, row.MatchKeys.Count == 0 ? "—" : string.Join(", ", row.MatchKeys));
                Cell(html, row.Path ?? "—");
                html.Append("<td>");
                if (row.Problems.Count == 0)
                {
                    html.Append("<span class=\"ok\">both legs, same name</span>");
                }

                foreach (var problem in row.Problems)
                {
                    html.Append("<div class=\"").Append(ProblemClass(problem)).Append("\">")
                        .Append(s_html.Encode(problem)).Append("</div>");
                }

                html.Append("</td>");
                Cell(html, row.LastSeen.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture));
            });
        }

        html.Append("<h2>Refused Conversions API requests</h2>");
        if (rejections.Count == 0)
        {
            html.Append("<p class=\"ok\">None.</p>");
        }
        else
        {
            Table(html, string.Empty, "<th>Status</th><th>Events</th><th>Why</th><th>At</th>", rejections.Reverse(), _ => true, rejection =>
            {
                Cell(html, rejection.StatusCode.ToString(CultureInfo.InvariantCulture));
                Cell(html, $"{rejection.EventCount}: {string.Join(", ", rejection.EventIds.Take(5))}{(rejection.EventIds.Count > 5 ? ", …" : string.Empty)}", code: true);
                Cell(html, rejection.Message);
                Cell(html, rejection.ReceivedAt.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture));
            });
        }

        if (sandbox.LastReplay is { } replayed)
        {
            html.Append("<p id=\"replay-result\"><strong>Last replay:</strong> ").Append(s_html.Encode(replayed)).Append("</p>");
        }

        foreach (var store in stores)
        {
            RenderStore(html, store, pagePath, tokens, replayTargets);
        }

        html.Append("<h2>Recent pixel calls</h2>");
        Table(html, string.Empty, "<th>Page load</th><th>Path</th><th>Call</th>", calls.Reverse().Take(60), call => call.Dropped, call =>
        {
            Cell(html, call.PageId[..Math.Min(6, call.PageId.Length)], code: true);
            Cell(html, call.Path ?? "—");
            Cell(html, (call.Dropped ? "dropped (consent false): " : string.Empty) + "oaiq(" + call.Arguments.TrimStart('[').TrimEnd(']') + ")", code: true);
        });
        html.Append("<form method=\"post\" action=\"").Append(s_html.Encode(pagePath.TrimEnd('/') + "/clear")).Append("\">");
        TokenField(html, tokens);

        html.Append("<button>Clear</button> · <a href=\"")
            .Append(s_html.Encode(pagePath.TrimEnd('/') + "/events.json")).Append("\">events.json</a> · <a href=\"/\">back to the app</a></form>");
        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>
    /// A durable store (the transactional outbox): what waits in it (committed with the change that caused it, not yet
    /// acknowledged), what the API refused on its own (dead letters, with its message), and what this process delivered.
    /// </summary>
    private static void RenderStore(StringBuilder html, SandboxStore store, string pagePath, AntiforgeryTokenSet tokens, IReadOnlyList<string> configuredPixels)
    {
        var id = store.Id;
        html.Append("<h2 id=\"").Append(id).Append("\">").Append(s_html.Encode(store.Name)).Append("</h2>");
        if (store.Snapshot is not { } snapshot)
        {
            html.Append("<p class=\"bad\" id=\"").Append(id).Append("-error\">It could not be read: ").Append(s_html.Encode(store.Error ?? "?"))
                .Append(". Committed records stay in it; the dispatcher retries and the health check says so.</p>");
            return;
        }

        // id is ours ("outbox", "outbox2", "memory"): no encoding needed.
        html.Append(CultureInfo.InvariantCulture, $"""
            <p>{(id == SandboxStores.MemoryId
                ? "Events without an outbox wait in memory per pixel; the newest the API refused are kept here (Oaiq:ConversionsApi:MaxDeadLetters) until replayed or this process ends"
                : "Conversions are written with the change that causes them, in the same transaction, and delivered from there")}:
            <strong id="{id}-pending-count">{snapshot.PendingCount}</strong> pending,
            <strong id="{id}-dead-count">{snapshot.DeadLetteredCount}</strong> dead-lettered,
            <strong id="{id}-delivered-count">{snapshot.DeliveredCount}</strong> delivered by this process.{(id == SandboxStores.MemoryId ? string.Empty : " View events keep the in-memory queue.")}</p>
            """);

        // The in-memory queue lists its dead letters only (its snapshot's pending and delivered lists are always empty):
        // empty tables beside "1 delivered" read as a lost event, so it says where its events show instead.
        var listsItsEvents = id != SandboxStores.MemoryId;
        if (listsItsEvents)
        {
            html.Append("<h3>Pending</h3>");
            Table(html, $" id=\"{id}-pending\"", "<th>Event id</th><th>Event</th><th>Attempts</th><th>Due</th><th>Last failure</th>", snapshot.Pending, entry => entry.Attempts > 0, entry =>
            {
                Cell(html, entry.EventId, code: true);
                Cell(html, entry.EventType, code: true);
                Cell(html, entry.Attempts.ToString(CultureInfo.InvariantCulture));
                Cell(html, Time(entry.At) + (entry.IsHeld ? " (held by a dispatcher)" : string.Empty));
                Cell(html, Failure(entry.LastStatusCode, entry.LastError));
            });
        }
        else
        {
            html.Append("<p id=\"").Append(id).Append("-listed\">Its pending and delivered events are counted, not listed: each shows by id under Events.</p>");
        }

        html.Append("<h3>Dead-lettered</h3>");
        if (snapshot.DeadLetteredCount > 0)
        {
            RenderReplayForm(html, id, pagePath, tokens, snapshot.DeadLettered.Select(d => d.PixelId).OfType<string>().Distinct(StringComparer.Ordinal), configuredPixels);
        }

        Table(html, $" id=\"{id}-dead\"", "<th>Pixel</th><th>Event id</th><th>Event</th><th>Refused</th><th>The API's message</th>", snapshot.DeadLettered, _ => true, entry =>
        {
            Cell(html, entry.PixelId ?? "—", code: true);
            Cell(html, entry.EventId, code: true);
            Cell(html, entry.EventType, code: true);
            Cell(html, Time(entry.At));
            Cell(html, Failure(entry.LastStatusCode, entry.LastError));
        });

        if (listsItsEvents)
        {
            html.Append("<h3>Recently delivered</h3>");
            Table(html, $" id=\"{id}-delivered\"", "<th>Event id</th><th>Event</th><th>Delivered</th>", snapshot.RecentlyDelivered, _ => false, entry =>
            {
                Cell(html, entry.EventId, code: true);
                Cell(html, entry.EventType, code: true);
                Cell(html, Time(entry.At));
            });
        }
    }

    /// <summary>
    /// A store's Replay button: its dead letters, all or one pixel's, sent again to each one's own pixel or re-aimed at one
    /// of the app's configured pixels (after a wrong Pixel ID was fixed); posts the page's antiforgery token.
    /// </summary>
    private static void RenderReplayForm(StringBuilder html, string id, string pagePath, AntiforgeryTokenSet tokens, IEnumerable<string> deadPixels, IReadOnlyList<string> configuredPixels)
    {
        html.Append("<form method=\"post\" id=\"").Append(id).Append("-replay\" action=\"").Append(s_html.Encode(pagePath.TrimEnd('/') + "/replay")).Append("\">");
        TokenField(html, tokens);
        html.Append("<input type=\"hidden\" name=\"store\" value=\"").Append(id).Append("\" />");
        html.Append("<label>Dead letters of <select name=\"pixel\"><option value=\"\">every pixel</option>");
        foreach (var pixel in deadPixels)
        {
            html.Append("<option>").Append(s_html.Encode(pixel)).Append("</option>");
        }

        html.Append("</select></label> <label>send to <select name=\"toPixel\"><option value=\"\">each its own pixel</option>");
        foreach (var pixel in configuredPixels)
        {
            html.Append("<option>").Append(s_html.Encode(pixel)).Append("</option>");
        }

        html.Append("</select></label> <button>Replay</button> <small>(after the cause is fixed; past the API's 7-day window an event is not sent)</small></form>");
    }

    private static void TokenField(StringBuilder html, AntiforgeryTokenSet tokens)
    {
        if (tokens.RequestToken is { } token)
        {
            html.Append("<input type=\"hidden\" name=\"").Append(s_html.Encode(tokens.FormFieldName)).Append("\" value=\"").Append(s_html.Encode(token)).Append("\" />");
        }
    }

    /// <summary>A table: its header cells, then a row per item (marked as a problem where <paramref name="isProblem"/> says so) written by <paramref name="cells"/>.</summary>
    private static void Table<T>(StringBuilder html, string attributes, string headerCells, IEnumerable<T> items, Func<T, bool> isProblem, Action<T> cells)
    {
        html.Append("<table").Append(attributes).Append("><thead><tr>").Append(headerCells).Append("</tr></thead><tbody>");
        foreach (var item in items)
        {
            html.Append(isProblem(item) ? "<tr class=\"problem\">" : "<tr>");
            cells(item);
            html.Append("</tr>");
        }

        html.Append("</tbody></table>");
    }

    /// <summary>A row's problem as the page colours it: a leg still to come, a leg the app decided not to send, or a fault.</summary>
    private static string ProblemClass(string problem) =>
        problem.Contains("pending", StringComparison.Ordinal) ? "wait"
        : problem.StartsWith("not sent:", StringComparison.Ordinal) ? "skip"
        : "bad";

    private static string Time(DateTimeOffset? at) => at?.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) ?? "—";

    private static string Failure(int? status, string? error) =>
        status is null && error is null ? "—" : $"{(status is { } s ? s.ToString(CultureInfo.InvariantCulture) + " " : string.Empty)}{error}";

    private static void Row(StringBuilder html, string name, string value, string? css) =>
        html.Append("<tr><td>").Append(s_html.Encode(name)).Append(css is null ? "</td><td>" : $"</td><td class=\"{css}\">")
            .Append(s_html.Encode(value)).Append("</td></tr>");

    private static void Leg(StringBuilder html, string? name, int count, string verb)
    {
        if (count == 0)
        {
            html.Append("<td class=\"bad\">—</td>");
            return;
        }

        html.Append("<td><span class=\"ok\">✓</span> <code>").Append(s_html.Encode(name ?? "?")).Append("</code>");
        if (count > 1)
        {
            html.Append(" <span class=\"bad\">×").Append(count.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(verb).Append("</span>");
        }

        html.Append("</td>");
    }

    private static void Cell(StringBuilder html, string text, bool code = false) =>
        html.Append(code ? "<td><code>" : "<td>").Append(s_html.Encode(text)).Append(code ? "</code></td>" : "</td>");
}
