using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// Writes the browser pixel's JavaScript: the official loader and the <c>oaiq("consent" | "init" | "measure", …)</c>
/// calls, as UTF-8, safe to place inside an inline <c>&lt;script&gt;</c> element.
/// </summary>
/// <remarks>
/// Every value is written as a JSON literal with <see cref="JavaScriptEncoder.Default"/>, which escapes <c>&lt;</c>,
/// <c>&gt;</c>, <c>&amp;</c>, quotes and every non-ASCII character (U+2028 and U+2029 included), so no value can close
/// the script element or break the JavaScript. <c>measure</c> carries only what the pixel accepts: Conversions API-only
/// fields (<c>group_id</c>, <c>variant_dict</c>, custom properties) are left out, and the options hold
/// <c>event_id</c>, <c>custom_event_name</c> (custom events) and <c>opt_out</c> (when set).
/// </remarks>
internal sealed class PixelScriptWriter : IDisposable
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

    private readonly IBufferWriter<byte> _output;
    private readonly Utf8JsonWriter _json;

    /// <summary>Creates a writer.</summary>
    /// <param name="output">Where the UTF-8 script text goes.</param>
    public PixelScriptWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _json = new Utf8JsonWriter(output, JsonOptions);
    }

    /// <summary>
    /// Writes the official loader: it defines the queueing <c>oaiq</c> stub and injects the SDK asynchronously, and does
    /// nothing if <c>window.oaiq</c> already exists.
    /// </summary>
    /// <param name="sdkUrl">The SDK URL: absolute http(s), or a root-relative path such as <c>/_oaiq/sdk.js</c> for a local stub.</param>
    /// <exception cref="ArgumentException">The URL is neither.</exception>
    public void WriteLoader(string sdkUrl)
    {
        if (!IsSdkUrl(sdkUrl))
        {
            throw new ArgumentException("The SDK URL must be an absolute http(s) URL or a root-relative path starting with a single '/'.", nameof(sdkUrl));
        }

        _output.Write("(function(w,d,s,u){if(w.oaiq)return;var q=function(){q.q.push(arguments);};q.q=[];w.oaiq=q;var js=d.createElement(s);js.async=true;js.src=u;var f=d.getElementsByTagName(s)[0];f.parentNode.insertBefore(js,f);})(window,document,\"script\","u8);
        WriteString(sdkUrl);
        _output.Write(");\n"u8);
    }

    /// <summary>Writes <c>oaiq("consent", true|false);</c>.</summary>
    /// <param name="granted">Whether measurement consent is granted.</param>
    public void WriteConsent(bool granted) =>
        _output.Write(granted ? "oaiq(\"consent\",true);\n"u8 : "oaiq(\"consent\",false);\n"u8);

    /// <summary>Writes <c>oaiq("init", {pixelId, debug?, user?});</c>.</summary>
    /// <param name="pixelId">The Pixel ID.</param>
    /// <param name="debug">Whether the SDK logs to the browser console (testing only).</param>
    /// <param name="user">Hashed identifiers and geography; the first value of each list goes under the pixel's singular key. Server-only fields are never written.</param>
    /// <exception cref="ArgumentException">The Pixel ID is empty.</exception>
    public void WriteInit(string pixelId, bool debug = false, UserData? user = null)
    {
        _output.Write("oaiq("u8);
        WriteInitArguments(pixelId, debug, user);
        _output.Write(");\n"u8);
    }

    /// <summary>
    /// The arguments of <c>init</c> as a JSON array, <c>["init",{pixelId, debug?, user?}]</c>, encoded for a script
    /// context like every call: what a page's data element holds for the Blazor module.
    /// </summary>
    /// <param name="pixelId">The Pixel ID.</param>
    /// <param name="debug">Whether the SDK logs to the browser console.</param>
    /// <param name="user">Hashed identifiers and geography, as for <see cref="WriteInit"/>.</param>
    /// <returns>The UTF-8 array.</returns>
    /// <exception cref="ArgumentException">The Pixel ID is empty.</exception>
    public static byte[] InitArguments(string pixelId, bool debug, UserData? user)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new PixelScriptWriter(buffer))
        {
            buffer.Write("["u8);
            writer.WriteInitArguments(pixelId, debug, user);
            buffer.Write("]"u8);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <c>"init",{…}</c>.</summary>
    private void WriteInitArguments(string pixelId, bool debug, UserData? user)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pixelId);
        _output.Write("\"init\","u8);
        _json.Reset();
        _json.WriteStartObject();
        _json.WriteString(s_pixelId, pixelId);
        if (debug)
        {
            _json.WriteBoolean(s_debug, true);
        }

        if (user is { HasPixelFields: true })
        {
            _json.WriteStartObject(s_user);
            WriteFirst(s_emailSha256, user.EmailsSha256);
            WriteFirst(s_phoneNumberSha256, user.PhoneNumbersSha256);
            WriteFirst(s_externalIdSha256, user.ExternalIdsSha256);
            WriteFirst(s_firstNameSha256, user.FirstNamesSha256);
            WriteFirst(s_lastNameSha256, user.LastNamesSha256);
            WriteFirst(s_country, user.Countries);
            WriteFirst(s_city, user.Cities);
            WriteFirst(s_region, user.Regions);
            WriteFirst(s_postalCode, user.PostalCodes);
            _json.WriteEndObject();
        }

        _json.WriteEndObject();
        _json.Flush();
    }

    /// <summary>
    /// Writes <c>oaiq("measure", name, data, options);</c> for a recorded event, or
    /// <c>oaiq("measureSingle", pixelId, name, data, options);</c> when it is aimed at one pixel (spec §1.6, §1.7).
    /// </summary>
    /// <param name="conversionEvent">The event; its id becomes the <c>event_id</c> option.</param>
    /// <exception cref="ArgumentException">The event is Conversions API only (<c>app_installed</c>, <c>app_opened</c>).</exception>
    public void WriteMeasure(ConversionEvent conversionEvent)
    {
        ArgumentNullException.ThrowIfNull(conversionEvent);
        _output.Write("oaiq("u8);
        WriteMeasureArguments(conversionEvent.Event, conversionEvent.Id, conversionEvent.OptOut, conversionEvent.PixelId);
        _output.Write(");\n"u8);
    }

    /// <summary>Writes <c>oaiq("measure", name, data, options);</c>.</summary>
    /// <param name="event">What happened.</param>
    /// <param name="eventId">The id shared with the Conversions API copy.</param>
    /// <param name="optOut">Whether to write <c>opt_out: true</c>.</param>
    /// <exception cref="ArgumentException">The event is Conversions API only, or the id is not usable.</exception>
    public void WriteMeasure(OaiqEvent @event, string eventId, bool optOut = false)
    {
        _output.Write("oaiq("u8);
        WriteMeasureArguments(@event, eventId, optOut, pixelId: null);
        _output.Write(");\n"u8);
    }

    /// <summary>
    /// Writes a call whose arguments were written earlier as a JSON array (<see cref="EventCalls"/>: a carried event), as
    /// <c>oaiq(…);</c>, or, for a data layer push (<see cref="DataLayerWriter.Prefix"/>), as <see cref="DataLayerWriter.WriteCall"/> writes it.
    /// </summary>
    /// <param name="arguments">The array, exactly as <see cref="MeasureArguments"/> or <see cref="DataLayerWriter.Arguments"/> returned it.</param>
    public void WriteCall(ReadOnlySpan<byte> arguments)
    {
        if (arguments.StartsWith(DataLayerWriter.Prefix))
        {
            DataLayerWriter.WriteCall(_output, arguments);
            return;
        }

        _output.Write("oaiq("u8);
        _output.Write(arguments[1..^1]);
        _output.Write(");\n"u8);
    }

    /// <summary>
    /// The browser calls of one event for <paramref name="mode"/>, each a JSON array encoded for a script context: the
    /// <c>measure</c> (or <c>measureSingle</c>) arguments, the data layer pushes, or both (same event id) — the one path
    /// every renderer takes: the pixel script, a redirect's carrier and the Blazor module.
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

    /// <summary>Writes an event's browser calls for <paramref name="mode"/> (<see cref="EventCalls"/>) as script.</summary>
    /// <param name="conversionEvent">A pixel event.</param>
    /// <param name="mode">The browser leg's mode.</param>
    /// <param name="dataLayer">The page's data layer writer.</param>
    /// <exception cref="ArgumentException">The event is Conversions API only.</exception>
    public void WriteEvent(ConversionEvent conversionEvent, OaiqBrowserLeg mode, DataLayerWriter dataLayer)
    {
        foreach (var call in EventCalls(conversionEvent, mode, dataLayer))
        {
            WriteCall(call);
        }
    }

    /// <summary>
    /// The arguments of an event's <c>measure</c> call as a JSON array, <c>["measure","order_created",{…},{"event_id":…}]</c>
    /// (or <c>["measureSingle","px_…","order_created",…]</c> for an event aimed at one pixel),
    /// encoded for a script context like every call: what a carrier keeps until the next page renders it.
    /// </summary>
    /// <param name="conversionEvent">A pixel event.</param>
    /// <returns>The UTF-8 array.</returns>
    /// <exception cref="ArgumentException">The event is Conversions API only.</exception>
    public static byte[] MeasureArguments(ConversionEvent conversionEvent)
    {
        ArgumentNullException.ThrowIfNull(conversionEvent);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new PixelScriptWriter(buffer))
        {
            buffer.Write("["u8);
            writer.WriteMeasureArguments(conversionEvent.Event, conversionEvent.Id, conversionEvent.OptOut, conversionEvent.PixelId);
            buffer.Write("]"u8);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Returns the <c>measure</c> call for one event as a string.</summary>
    /// <param name="conversionEvent">The event.</param>
    /// <returns>The call, e.g. <c>oaiq("measure","order_created",{…},{"event_id":"order_42"});</c> and a newline.</returns>
    public static string MeasureCall(ConversionEvent conversionEvent)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new PixelScriptWriter(buffer))
        {
            writer.WriteMeasure(conversionEvent);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Writes <c>"measure", name, data, options</c>, or <c>"measureSingle", pixelId, name, data, options</c> (the Pixel ID
    /// inserted before the event name, spec §1.7): the pixel carries only what it accepts (spec §2.1, §3.2).
    /// </summary>
    private void WriteMeasureArguments(OaiqEvent @event, string eventId, bool optOut, string? pixelId)
    {
        ArgumentNullException.ThrowIfNull(@event);
        EnsurePixelEvent(@event, eventId, nameof(@event));
        if (pixelId is null)
        {
            _output.Write("\"measure\","u8);
        }
        else
        {
            _output.Write("\"measureSingle\","u8);
            WriteString(pixelId);
            _output.Write(","u8);
        }

        WriteString(@event.Name);
        _output.Write(","u8);
        _json.Reset();
        ConversionsApiJson.WriteData(_json, @event.Data, includeConversionsApiOnlyFields: false);
        _json.Flush();
        _output.Write(","u8);
        _json.Reset();
        _json.WriteStartObject();
        _json.WriteString(s_eventId, eventId);
        if (@event.CustomEventName is { } customName)
        {
            _json.WriteString(s_customEventName, customName);
        }

        if (optOut)
        {
            _json.WriteBoolean(s_optOut, true);
        }

        _json.WriteEndObject();
        _json.Flush();
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

    /// <inheritdoc />
    public void Dispose() => _json.Dispose();

    private void WriteString(string value)
    {
        _json.Reset();
        _json.WriteStringValue(value);
        _json.Flush();
    }

    private void WriteFirst(JsonEncodedText name, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            _json.WriteString(name, values[0]);
        }
    }
}
