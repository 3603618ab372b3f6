using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using OaiqPixel.AspNetCore.Verification;

namespace OaiqPixel.Sandbox;

/// <summary>
/// The page's "Production verification" panel: the latest result of each pixel from <see cref="IOaiqVerification"/>
/// (<c>AddOaiqTracking(…).AddVerification()</c>), shown only when verification is registered. Every value is
/// HTML-encoded; the key is never known here.
/// </summary>
internal static class SandboxVerificationPanel
{
    private static readonly HtmlEncoder s_html = HtmlEncoder.Default;

    /// <summary>The page with the panel before its end, or the page unchanged when <paramref name="verification"/> is <see langword="null"/>.</summary>
    public static string AddTo(string page, IOaiqVerification? verification)
    {
        var end = page.LastIndexOf("</body>", StringComparison.Ordinal);
        return verification is null || end < 0 ? page : page.Insert(end, Render(verification.Latest));
    }

    private static string Render(IReadOnlyList<OaiqPixelVerification> latest)
    {
        var html = new StringBuilder("<h2 id=\"verification\">Production verification</h2>");
        html.Append("<p>OpenAI's events stream for each pixel, compared with what this app rendered and delivered (README: Verify both legs in production). It proves receipt, not attribution.</p>");
        if (latest.Count == 0)
        {
            return html.Append("<p class=\"wait\">No check has run yet: the first runs one Oaiq:Verification:Interval after start.</p>").ToString();
        }

        html.Append("<table id=\"verification-results\"><thead><tr><th>Pixel</th><th>Checked</th><th>Leg</th><th>Event type</th><th>Arrived / expected</th><th>Status</th></tr></thead><tbody>");
        foreach (var pixel in latest)
        {
            var at = pixel.CheckedAt?.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) ?? "—";
            html.Append("<tr><td><code>").Append(s_html.Encode(pixel.PixelId)).Append("</code></td><td>").Append(at).Append(' ')
                .Append(pixel.Check.ToString()).Append("</td><td colspan=\"4\" class=\"").Append(pixel.Check == OaiqVerificationCheck.Completed && pixel.Legs.All(static l => l.Status != OaiqLegStatus.Stopped) ? "ok" : "bad")
                .Append("\">").Append(s_html.Encode(pixel.Message ?? string.Empty)).Append("</td></tr>");
            foreach (var leg in pixel.Legs)
            {
                var css = leg.Status switch { OaiqLegStatus.Arriving => "ok", OaiqLegStatus.Stopped => "bad", OaiqLegStatus.NotReported => "skip", _ => "wait" };
                html.Append("<tr><td></td><td></td><td>").Append(leg.Leg.ToString()).Append("</td><td><code>").Append(s_html.Encode(leg.EventType))
                    .Append("</code></td><td>").Append(leg.Arrived.ToString(CultureInfo.InvariantCulture)).Append(" / ").Append(leg.Expected.ToString(CultureInfo.InvariantCulture))
                    .Append("</td><td class=\"").Append(css).Append("\">").Append(leg.Status.ToString()).Append("</td></tr>");
            }
        }

        return html.Append("</tbody></table>").ToString();
    }
}
