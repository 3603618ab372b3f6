using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// The pixel as HTML: <c>&lt;script nonce="…"&gt;</c>, the shared loader, this page's calls, <c>&lt;/script&gt;</c>, and
/// the optional <c>&lt;noscript&gt;</c> images (one per pixel). The nonce and the image URLs are HTML-encoded with the encoder the page
/// writes with; the script body is already encoded for its context (<see cref="PixelScriptWriter"/>).
/// </summary>
internal sealed class PixelMarkup(string? nonce, string loader, Utf8HtmlContent calls, IReadOnlyList<string>? noScriptImageUrls) : IHtmlContent
{
    /// <summary>The script's text: loader and calls, inside the prerender guard.</summary>
    public string Script => loader + calls.ToString();

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
        calls.WriteTo(writer, encoder);
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
