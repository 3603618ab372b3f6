using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;

namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// The pixel as data for a page the Blazor module measures (<c>wwwroot/oaiq-pixel.js</c>): the SDK URL, the pixel calls
/// — each the arguments of one <c>oaiq(…)</c> call as a JSON array, as <see cref="PixelScriptWriter"/> writes them — and
/// the protected visitor context an interactive circuit reads back. Rendered as
/// <c>&lt;script type="application/json" data-oaiq-page&gt;{"sdk":…,"calls":[…],"visitor":…}&lt;/script&gt;</c>.
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

    /// <summary>The protected visitor context for an interactive circuit, or <see langword="null"/>.</summary>
    public string? Visitor { get; set; }

    /// <summary>The calls, in order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Calls => _calls;

    /// <summary>Adds a call's arguments (a JSON array written by <see cref="PixelScriptWriter"/>).</summary>
    public void Add(ReadOnlyMemory<byte> call) => _calls.Add(call);

    /// <summary>Adds calls' arguments, in order.</summary>
    public void AddRange(IEnumerable<ReadOnlyMemory<byte>> calls) => _calls.AddRange(calls);

    /// <summary>
    /// The whole data element, <c>&lt;script …&gt;{"sdk":…,"calls":[…],"visitor":…}&lt;/script&gt;</c>: written into the
    /// thread's reusable buffer (<see cref="PixelScriptBuffer"/>) and decoded once, so a page pays for one string.
    /// </summary>
    public string ToElement()
    {
        var rented = PixelScriptBuffer.Rent();
        try
        {
            var buffer = rented.Buffer;
            buffer.Write("<script type=\"application/json\" data-oaiq-page>"u8);
            var json = rented.Json;
            json.WriteStartObject();
            if (SdkUrl is not null)
            {
                json.WriteString("sdk"u8, SdkUrl);
            }

            json.WriteStartArray("calls"u8);
            foreach (var call in _calls)
            {
                json.WriteRawValue(call.Span, skipInputValidation: true);
            }

            json.WriteEndArray();
            if (Visitor is not null)
            {
                json.WriteString("visitor"u8, Visitor);
            }

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
