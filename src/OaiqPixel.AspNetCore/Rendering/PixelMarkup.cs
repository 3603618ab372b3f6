using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// The pixel as HTML: <c>&lt;script nonce="…"&gt;</c>, the shared loader, this page's calls, <c>&lt;/script&gt;</c>, and
/// the optional <c>&lt;noscript&gt;</c> images (one per pixel). The nonce and the image URLs are HTML-encoded with the encoder the page
/// writes with; the calls are already encoded for a script context (<see cref="PixelScriptWriter"/>) and are decoded
/// straight into the view's writer.
/// </summary>
internal sealed class PixelMarkup(string? nonce, string loader, IReadOnlyList<ReadOnlyMemory<byte>> calls, IReadOnlyList<string>? noScriptImageUrls) : IHtmlContent
{
    public void WriteTo(TextWriter writer, HtmlEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(encoder);
        writer.Write("<script");
        if (nonce is not null)
        {
            writer.Write(" nonce=\"");
            encoder.Encode(writer, nonce);
            writer.Write('"');
        }

        writer.Write('>');
        writer.Write(loader);
        foreach (var call in calls)
        {
            PixelScriptWriter.WriteCall(writer, call.Span);
        }

        writer.Write(PrerenderGuard.End);
        writer.Write("</script>");
        if (noScriptImageUrls is { Count: > 0 })
        {
            // Spec §1.8: the image tag as the pixel's fallback without JavaScript, hidden, page-load only; one per pixel.
            writer.Write("<noscript>");
            foreach (var url in noScriptImageUrls)
            {
                writer.Write("<img height=\"1\" width=\"1\" style=\"display:none\" alt=\"\" src=\"");
                encoder.Encode(writer, url);
                writer.Write("\">");
            }

            writer.Write("</noscript>");
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        using var writer = new StringWriter();
        WriteTo(writer, HtmlEncoder.Default);
        return writer.ToString();
    }
}
