using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;

namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// The pixel as data for a page the Blazor module measures (<c>wwwroot/oaiq-pixel.js</c>): the SDK URL, the pixel calls
/// — each the arguments of one <c>oaiq(…)</c> call as a JSON array, as <see cref="PixelScriptWriter"/> writes them.
/// Rendered as <c>&lt;script type="application/json" data-oaiq-page&gt;{"sdk":…,"calls":[…]}&lt;/script&gt;</c>.
/// </summary>
/// <remarks>
/// Every string is written with <see cref="JavaScriptEncoder.Default"/>, which escapes <c>&lt;</c>, <c>&gt;</c> and
/// <c>&amp;</c>, so the JSON cannot close its element; the calls were encoded the same way when they were written.
/// </remarks>
internal sealed class PixelPageData
{
    private readonly List<ReadOnlyMemory<byte>> _calls = [];

    public PixelPageData(string? sdkUrl) => SdkUrl = sdkUrl;

    /// <summary>The SDK the module loads, or <see langword="null"/> when the page only pushes to the data layer.</summary>
    public string? SdkUrl { get; }

    /// <summary>The CSP nonce for the pixel's or the module's <c>&lt;script&gt;</c>, or <see langword="null"/>.</summary>
    public string? Nonce { get; set; }

    /// <summary>The calls, in order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Calls => _calls;

    /// <summary>Adds a call's arguments (a JSON array written by <see cref="PixelScriptWriter"/>).</summary>
    public void Add(ReadOnlyMemory<byte> call) => _calls.Add(call);

    /// <summary>Adds calls' arguments, in order.</summary>
    public void AddRange(IEnumerable<ReadOnlyMemory<byte>> calls) => _calls.AddRange(calls);

    /// <summary>
    /// The whole data element, <c>&lt;script …&gt;{"sdk":…,"calls":[…]}&lt;/script&gt;</c>: written into the
    /// thread's reusable buffer (<see cref="PixelScriptBuffer"/>) and decoded once, so a page pays for one string.
    /// </summary>
    public string ToElement() => Element("<script type=\"application/json\" data-oaiq-page>"u8, SdkUrl, _calls);

    /// <summary>
    /// An event's own data element, <c>&lt;script type="application/json" data-oaiq-events&gt;{"calls":[…]}&lt;/script&gt;</c>,
    /// which <c>&lt;OaiqEvent /&gt;</c> renders where it stands once the page's pixel data rendered: the module applies
    /// its calls after the pixel's (document order), and keeps <c>page_viewed</c> and the SDK to
    /// the pixel's element.
    /// </summary>
    public static string EventsElement(IReadOnlyList<ReadOnlyMemory<byte>> calls) =>
        Element("<script type=\"application/json\" data-oaiq-events>"u8, sdkUrl: null, calls);

    private static string Element(ReadOnlySpan<byte> open, string? sdkUrl, IReadOnlyList<ReadOnlyMemory<byte>> calls)
    {
        var rented = PixelScriptBuffer.Rent();
        try
        {
            var buffer = rented.Buffer;
            buffer.Write(open);
            var json = rented.Json;
            json.WriteStartObject();
            if (sdkUrl is not null)
            {
                json.WriteString("sdk"u8, sdkUrl);
            }

            json.WriteStartArray("calls"u8);
            for (var i = 0; i < calls.Count; i++)
            {
                json.WriteRawValue(calls[i].Span, skipInputValidation: true);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
            buffer.Write("</script>"u8);
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            PixelScriptBuffer.Return(rented);
        }
    }
}
