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
    private static readonly JsonEncodedText s_pixelId = JsonEncodedText.Encode("pixelId");
    private static readonly JsonEncodedText s_debug = JsonEncodedText.Encode("debug");
    private static readonly JsonEncodedText s_user = JsonEncodedText.Encode("user");
    private static readonly JsonEncodedText s_eventId = JsonEncodedText.Encode("event_id");
    private static readonly JsonEncodedText s_customEventName = JsonEncodedText.Encode("custom_event_name");
    private static readonly JsonEncodedText s_optOut = JsonEncodedText.Encode("opt_out");

    // Pixel init user fields: singular keys (spec §1.4), unlike the Conversions API's plural lists.
    private static readonly JsonEncodedText s_emailSha256 = JsonEncodedText.Encode("email_sha256");
    private static readonly JsonEncodedText s_phoneNumberSha256 = JsonEncodedText.Encode("phone_number_sha256");
    private static readonly JsonEncodedText s_externalIdSha256 = JsonEncodedText.Encode("external_id_sha256");
    private static readonly JsonEncodedText s_firstNameSha256 = JsonEncodedText.Encode("first_name_sha256");
    private static readonly JsonEncodedText s_lastNameSha256 = JsonEncodedText.Encode("last_name_sha256");
    private static readonly JsonEncodedText s_country = JsonEncodedText.Encode("country");
    private static readonly JsonEncodedText s_city = JsonEncodedText.Encode("city");
    private static readonly JsonEncodedText s_region = JsonEncodedText.Encode("region");
    private static readonly JsonEncodedText s_postalCode = JsonEncodedText.Encode("postal_code");

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

    /// <summary>The arguments of <c>consent</c>, <c>["consent",true|false]</c>.</summary>
    /// <param name="granted">Whether measurement consent is granted.</param>
    /// <returns>The UTF-8 array (shared: do not change it).</returns>
    public static byte[] ConsentArguments(bool granted) => granted ? s_consentGranted : s_consentDenied;

    /// <summary>The arguments of <c>init</c>, <c>["init",{pixelId, debug?, user?}]</c>.</summary>
    /// <param name="pixelId">The Pixel ID.</param>
    /// <param name="debug">Whether the SDK logs to the browser console (testing only).</param>
    /// <param name="user">Hashed identifiers and geography; the first value of each list goes under the pixel's singular key. Server-only fields are never written.</param>
    /// <returns>The UTF-8 array.</returns>
    /// <exception cref="ArgumentException">The Pixel ID is empty.</exception>
    public static byte[] InitArguments(string pixelId, bool debug, UserData? user)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pixelId);
        return Arguments((pixelId, debug, user), static (json, state) =>
        {
            var (pixelId, debug, user) = state;
            json.WriteStringValue("init"u8);
            json.WriteStartObject();
            json.WriteString(s_pixelId, pixelId);
            if (debug)
            {
                json.WriteBoolean(s_debug, true);
            }

            if (user is { HasPixelFields: true })
            {
                json.WriteStartObject(s_user);
                WriteFirst(json, s_emailSha256, user.EmailsSha256);
                WriteFirst(json, s_phoneNumberSha256, user.PhoneNumbersSha256);
                WriteFirst(json, s_externalIdSha256, user.ExternalIdsSha256);
                WriteFirst(json, s_firstNameSha256, user.FirstNamesSha256);
                WriteFirst(json, s_lastNameSha256, user.LastNamesSha256);
                WriteFirst(json, s_country, user.Countries);
                WriteFirst(json, s_city, user.Cities);
                WriteFirst(json, s_region, user.Regions);
                WriteFirst(json, s_postalCode, user.PostalCodes);
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
    /// <param name="conversionEvent">A pixel event.</param>
    /// <param name="mode">The browser leg's mode.</param>
    /// <param name="dataLayer">The page's data layer writer (unused in <see cref="OaiqBrowserLeg.Pixel"/> mode).</param>
    /// <returns>One or two arrays.</returns>
    /// <exception cref="ArgumentException">The event is Conversions API only.</exception>
    public static byte[][] EventCalls(ConversionEvent conversionEvent, OaiqBrowserLeg mode, DataLayerWriter dataLayer) => mode switch
    {
        OaiqBrowserLeg.DataLayer => [dataLayer.Arguments(conversionEvent)],
        OaiqBrowserLeg.Both => [MeasureArguments(conversionEvent), dataLayer.Arguments(conversionEvent)],
        _ => [MeasureArguments(conversionEvent)],
    };

    /// <summary>
    /// The arguments of an event's <c>measure</c> call, <c>["measure","order_created",{…},{"event_id":…}]</c>, or
    /// <c>["measureSingle","px_…","order_created",…]</c> for an event aimed at one pixel (the Pixel ID before the event
    /// name, spec §1.7): the pixel carries only what it accepts (spec §2.1, §3.2).
    /// </summary>
    /// <param name="conversionEvent">A pixel event; its id becomes the <c>event_id</c> option.</param>
    /// <returns>The UTF-8 array.</returns>
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
            json.WriteString(s_eventId, conversionEvent.Id);
            if (@event.CustomEventName is { } customName)
            {
                json.WriteString(s_customEventName, customName);
            }

            if (conversionEvent.OptOut)
            {
                json.WriteBoolean(s_optOut, true);
            }

            json.WriteEndObject();
        });
    }

    /// <summary>Returns the <c>measure</c> call for one event as script.</summary>
    /// <param name="conversionEvent">The event.</param>
    /// <returns>The call, e.g. <c>oaiq("measure","order_created",{…},{"event_id":"order_42"});</c> and a newline.</returns>
    public static string MeasureCall(ConversionEvent conversionEvent) => Call(MeasureArguments(conversionEvent));

    /// <summary>A call's arguments (<see cref="EventCalls"/>, a carried call) as script: see <see cref="WriteCall"/>.</summary>
    /// <param name="arguments">The array.</param>
    /// <returns>The call and a newline.</returns>
    public static string Call(ReadOnlySpan<byte> arguments)
    {
        using var writer = new StringWriter();
        WriteCall(writer, arguments);
        return writer.ToString();
    }

    /// <summary>
    /// Writes a call's arguments as <c>oaiq(…);</c>, or, for a data layer push (<see cref="DataLayerWriter.Prefix"/>), as
    /// <c>(window.dataLayer=window.dataLayer||[]).push(…);</c>.
    /// </summary>
    /// <param name="writer">Where the script goes.</param>
    /// <param name="arguments">The array, exactly as this type or <see cref="DataLayerWriter.Arguments"/> made it.</param>
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
    /// <param name="event">The event.</param>
    /// <param name="eventId">Its id.</param>
    /// <param name="paramName">The caller's parameter, for the exception.</param>
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
    /// <param name="sdkUrl">The candidate.</param>
    /// <returns><see langword="true"/> when usable.</returns>
    public static bool IsSdkUrl(string? sdkUrl) =>
        sdkUrl is { Length: > 0 }
        && (ConversionEvent.IsValidSourceUrl(sdkUrl) || (sdkUrl[0] == '/' && (sdkUrl.Length == 1 || sdkUrl[1] is not ('/' or '\\'))))
        && !sdkUrl.Any(char.IsControl);

    /// <summary>Writes one call's JSON array with the thread's writer (<see cref="PixelScriptBuffer"/>) and returns a copy of it.</summary>
    /// <param name="state">What the items are written from.</param>
    /// <param name="writeItems">Writes the array's items.</param>
    /// <returns>The UTF-8 array.</returns>
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

    private static void WriteFirst(Utf8JsonWriter json, JsonEncodedText name, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            json.WriteString(name, values[0]);
        }
    }
}
