using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// Writes the browser pixel's JavaScript: the official loader and the <c>oaiq("consent" | "init" | "measure", …)</c>
/// calls. Each call is made once as the JSON array of its arguments (what a page's script, a redirect's carrier and the
/// Blazor module all take) and written into a script as <c>oaiq(…);</c>.
/// </summary>
/// <remarks>
/// Every value is written as a JSON literal with <see cref="JavaScriptEncoder.Default"/>, which escapes <c>&lt;</c>,
/// <c>&gt;</c>, <c>&amp;</c>, quotes and every non-ASCII character (U+2028 and U+2029 included), so no value can close
/// the script element or break the JavaScript. <c>measure</c> carries only what the pixel accepts: Conversions API-only
/// fields (<c>group_id</c>, <c>variant_dict</c>, custom properties) are left out, and the options hold
/// <c>event_id</c>, <c>custom_event_name</c> (custom events) and <c>opt_out</c> (when set).
/// </remarks>
internal static class PixelScriptWriter
{
    /// <summary>
    /// How every value of a script is written (the pixel's calls and the data layer's pushes): JSON with
    /// <see cref="JavaScriptEncoder.Default"/>, safe inside an inline <c>&lt;script&gt;</c> element.
    /// </summary>
    public static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.Default, SkipValidation = true };

    private static readonly byte[] s_consentGranted = "[\"consent\",true]"u8.ToArray();
    private static readonly byte[] s_consentDenied = "[\"consent\",false]"u8.ToArray();

    /// <summary>
    /// The official loader: it defines the queueing <c>oaiq</c> stub and injects the SDK asynchronously, and does nothing
    /// if <c>window.oaiq</c> already exists.
    /// </summary>
    /// <param name="sdkUrl">The SDK URL: absolute http(s), or a root-relative path such as <c>/_oaiq/sdk.js</c> for a local stub.</param>
    /// <returns>The script, ending with a newline.</returns>
    /// <exception cref="ArgumentException">The URL is neither.</exception>
    public static string Loader(string sdkUrl)
    {
        if (!IsSdkUrl(sdkUrl))
        {
            throw new ArgumentException("The SDK URL must be an absolute http(s) URL or a root-relative path starting with a single '/'.", nameof(sdkUrl));
        }

        return "(function(w,d,s,u){if(w.oaiq)return;var q=function(){q.q.push(arguments);};q.q=[];w.oaiq=q;var js=d.createElement(s);js.async=true;js.src=u;var f=d.getElementsByTagName(s)[0];f.parentNode.insertBefore(js,f);})(window,document,\"script\",\""
            + JsonEncodedText.Encode(sdkUrl, JavaScriptEncoder.Default) + "\");\n";
    }

    /// <summary>The arguments of <c>consent</c>, <c>["consent",true|false]</c>: a shared array, not to be changed.</summary>
    public static byte[] ConsentArguments(bool granted) => granted ? s_consentGranted : s_consentDenied;

    /// <summary>
    /// The arguments of <c>init</c>, <c>["init",{pixelId, debug?, user?}]</c>: of each list of <paramref name="user"/> the
    /// first value goes under the pixel's singular key; server-only fields are never written.
    /// </summary>
    /// <exception cref="ArgumentException">The Pixel ID is empty.</exception>
    public static byte[] InitArguments(string pixelId, bool debug, UserData? user)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pixelId);
        return Arguments((pixelId, debug, user), static (json, state) =>
        {
            var (pixelId, debug, user) = state;
            json.WriteStringValue("init"u8);
            json.WriteStartObject();
            json.WriteString("pixelId"u8, pixelId);
            if (debug)
            {
                json.WriteBoolean("debug"u8, true);
            }

            if (user is { HasPixelFields: true })
            {
                // Singular keys (spec §1.4), unlike the Conversions API's plural lists.
                json.WriteStartObject("user"u8);
                WriteFirst(json, "email_sha256"u8, user.EmailsSha256);
                WriteFirst(json, "phone_number_sha256"u8, user.PhoneNumbersSha256);
                WriteFirst(json, "external_id_sha256"u8, user.ExternalIdsSha256);
                WriteFirst(json, "first_name_sha256"u8, user.FirstNamesSha256);
                WriteFirst(json, "last_name_sha256"u8, user.LastNamesSha256);
                WriteFirst(json, "country"u8, user.Countries);
                WriteFirst(json, "city"u8, user.Cities);
                WriteFirst(json, "region"u8, user.Regions);
                WriteFirst(json, "postal_code"u8, user.PostalCodes);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        });
    }

    /// <summary>
    /// The browser calls of one event for <paramref name="mode"/>: the <c>measure</c> (or <c>measureSingle</c>)
    /// arguments, the data layer pushes, or both (same event id) — the one path every renderer takes: the pixel script,
    /// a redirect's carrier and the Blazor module.
    /// </summary>
    /// <exception cref="ArgumentException">The event is Conversions API only.</exception>
    public static ReadOnlyMemory<byte>[] EventCalls(ConversionEvent conversionEvent, OaiqBrowserLeg mode, DataLayerWriter dataLayer) => mode switch
    {
        OaiqBrowserLeg.DataLayer => [dataLayer.Arguments(conversionEvent)],
        OaiqBrowserLeg.Both => [MeasureArguments(conversionEvent), dataLayer.Arguments(conversionEvent)],
        _ => [MeasureArguments(conversionEvent)],
    };

    /// <summary>
    /// The arguments of an event's <c>measure</c> call, <c>["measure","order_created",{…},{"event_id":…}]</c>, or
    /// <c>["measureSingle","px_…","order_created",…]</c> for an event aimed at one pixel (the Pixel ID before the event
    /// name, spec §1.7): the pixel carries only what it accepts (spec §2.1, §3.2), the event's id as the <c>event_id</c> option.
    /// </summary>
    /// <exception cref="ArgumentException">The event is Conversions API only (<c>app_installed</c>, <c>app_opened</c>).</exception>
    public static byte[] MeasureArguments(ConversionEvent conversionEvent)
    {
        ArgumentNullException.ThrowIfNull(conversionEvent);
        var @event = conversionEvent.Event;
        EnsurePixelEvent(@event, conversionEvent.Id, nameof(conversionEvent));
        return Arguments(conversionEvent, static (json, conversionEvent) =>
        {
            var @event = conversionEvent.Event;
            if (conversionEvent.PixelId is { } pixelId)
            {
                json.WriteStringValue("measureSingle"u8);
                json.WriteStringValue(pixelId);
            }
            else
            {
                json.WriteStringValue("measure"u8);
            }

            json.WriteStringValue(@event.Name);
            ConversionsApiJson.WriteData(json, @event.Data, includeConversionsApiOnlyFields: false);
            json.WriteStartObject();
            json.WriteString("event_id"u8, conversionEvent.Id);
            if (@event.CustomEventName is { } customName)
            {
                json.WriteString("custom_event_name"u8, customName);
            }

            if (conversionEvent.OptOut)
            {
                json.WriteBoolean("opt_out"u8, true);
            }

            json.WriteEndObject();
        });
    }

    /// <summary>
    /// Writes a call's arguments as <c>oaiq(…);</c>, or, for a data layer push (<see cref="DataLayerWriter.Prefix"/>), as
    /// <c>(window.dataLayer=window.dataLayer||[]).push(…);</c>.
    /// </summary>
    public static void WriteCall(TextWriter writer, ReadOnlySpan<byte> arguments)
    {
        var dataLayer = arguments.StartsWith(DataLayerWriter.Prefix);
        writer.Write(dataLayer ? "(window.dataLayer=window.dataLayer||[]).push(" : "oaiq(");
        var inner = arguments[(dataLayer ? DataLayerWriter.Prefix.Length : 1)..^1];

        // UTF-8 never decodes to more UTF-16 units than it has bytes.
        var chars = ArrayPool<char>.Shared.Rent(inner.Length);
        writer.Write(chars, 0, Encoding.UTF8.GetChars(inner, chars));
        ArrayPool<char>.Shared.Return(chars);
        writer.Write(");\n");
    }

    /// <summary>Throws unless the event can reach a page: a usable id and an event the pixel accepts (spec §3.1).</summary>
    /// <exception cref="ArgumentException">The id is not usable, or the event is Conversions API only.</exception>
    public static void EnsurePixelEvent(OaiqEvent @event, string eventId, string paramName)
    {
        EventIds.Validate(eventId, paramName);
        if (!@event.IsPixelEvent)
        {
            throw new ArgumentException($"'{@event.Name}' is a Conversions API-only event; the pixel does not accept it.", paramName);
        }
    }

    /// <summary>Whether a value is usable as the SDK URL: absolute http(s), or a root-relative path.</summary>
    public static bool IsSdkUrl(string? sdkUrl) =>
        sdkUrl is { Length: > 0 }
        && (ConversionEvent.IsValidSourceUrl(sdkUrl) || (sdkUrl[0] == '/' && (sdkUrl.Length == 1 || sdkUrl[1] is not ('/' or '\\'))))
        && !sdkUrl.Any(char.IsControl);

    /// <summary>Writes one call's JSON array with the thread's writer (<see cref="PixelScriptBuffer"/>) and returns a copy of it.</summary>
    public static byte[] Arguments<TState>(TState state, Action<Utf8JsonWriter, TState> writeItems)
    {
        var rented = PixelScriptBuffer.Rent();
        try
        {
            var json = rented.Json;
            json.WriteStartArray();
            writeItems(json, state);
            json.WriteEndArray();
            json.Flush();
            return rented.Buffer.WrittenSpan.ToArray();
        }
        finally
        {
            PixelScriptBuffer.Return(rented);
        }
    }

    private static void WriteFirst(Utf8JsonWriter json, ReadOnlySpan<byte> name, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            json.WriteString(name, values[0]);
        }
    }
}
