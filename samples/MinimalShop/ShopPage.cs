using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace MinimalShop;

/// <summary>The HTML around a minimal API page: the pixel high in its head, then the body.</summary>
public static class ShopPage
{
    public static string Render(HttpContext http, string title, string body)
    {
        using var writer = new StringWriter();
        writer.Write("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        http.GetOaiqPixel().WriteTo(writer, HtmlEncoder.Default);
        writer.Write("<title>");
        HtmlEncoder.Default.Encode(writer, title);
        writer.Write("</title></head><body>");
        writer.Write(body);
        writer.Write("</body></html>");
        return writer.ToString();
    }

    public static string Antiforgery(HttpContext http) =>
        HtmlEncoder.Default.Encode(http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http).RequestToken ?? "");
}
