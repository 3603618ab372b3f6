using System.Text.Json;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// Writes one page's pushes to a tag manager's <c>window.dataLayer</c> (<see cref="OaiqBrowserLeg.DataLayer"/> and
/// <see cref="OaiqBrowserLeg.Both"/>, README "Google Tag Manager"): per event a reset, the OpenAI event, and the GA4 event
/// of the same action — once per event id on the page.
/// </summary>
/// <remarks>
/// One instance per page (per rendering, carrier or circuit), not thread-safe. Several copies of one conversion share its
/// event id (<c>Track</c> for every pixel and <c>TrackSingle</c> for a seller's pixel with its share of the value): each
/// pushes its OpenAI event, for the tag of its pixel, but only the first pushes the GA4 event, so a GA4 tag counts the
/// order once, with the value of the copy recorded first. Every value is encoded for a script context
/// (<see cref="PixelScriptWriter.JsonOptions"/>).
/// </remarks>
internal sealed class DataLayerWriter
{
    /// <summary>The data layer event every OpenAI event is pushed under, for a tag manager's trigger.</summary>
    public const string DataLayerEvent = "oaiq_event";

    // The event ids whose GA4 event this page pushed; most pages push none.
    private HashSet<string>? _ga4EventIds;

    /// <summary>How a data layer call's array starts: <c>["dataLayer",</c>.</summary>
    public static ReadOnlySpan<byte> Prefix => "[\"dataLayer\","u8;

    /// <summary>
    /// An event's data layer pushes as a JSON array, <c>["dataLayer",{"ecommerce":null,"oaiq":null},{"event":"oaiq_event","oaiq":{…}},{"event":"purchase","oaiq":{…},"ecommerce":{…}}]</c>:
    /// first a reset (Google's advice: clear <c>ecommerce</c> before each e-commerce push; <c>oaiq</c> too, as the data
    /// layer merges objects), then the OpenAI event (<c>oaiq.event_id</c>, <c>event_name</c>, <c>custom_event_name</c>,
    /// <c>pixel_id</c> for an event aimed at one pixel, <c>opt_out</c>, and <c>data</c> as the pixel takes it), then, when
    /// GA4 has one (<see cref="Ga4Events"/>) and this page has not pushed it for the same event id yet, the GA4 event of
    /// the same action with <c>ecommerce.items</c> (<c>item_id</c>, <c>item_name</c>, <c>quantity</c>, <c>price</c>),
    /// <c>value</c> and <c>currency</c> in major units, and <c>transaction_id</c> (the event id) for <c>purchase</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The event is Conversions API only, or its id is not usable.</exception>
    public byte[] Arguments(ConversionEvent conversionEvent)
    {
        ArgumentNullException.ThrowIfNull(conversionEvent);
        var @event = conversionEvent.Event;
        PixelScriptWriter.EnsurePixelEvent(@event, conversionEvent.Id, nameof(conversionEvent));
        var ga4 = Ga4Events.For(@event.Name);
        if (ga4 is not null && !(_ga4EventIds ??= new(StringComparer.Ordinal)).Add(conversionEvent.Id))
        {
            ga4 = null;
        }

        return PixelScriptWriter.Arguments((conversionEvent, ga4), static (json, state) =>
        {
            var (conversionEvent, ga4) = state;
            json.WriteStringValue("dataLayer"u8);
            json.WriteStartObject();
            json.WriteNull("ecommerce"u8);
            json.WriteNull("oaiq"u8);
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("event"u8, DataLayerEvent);
            WriteOaiq(json, conversionEvent);
            json.WriteEndObject();
            if (ga4 is not null)
            {
                json.WriteStartObject();
                json.WriteString("event"u8, ga4);
                WriteOaiq(json, conversionEvent);
                WriteEcommerce(json, conversionEvent, purchase: ga4 == "purchase");
                json.WriteEndObject();
            }
        });
    }

    // The data layer's keys (README "Google Tag Manager"): stable, as tag managers' variables name them.
    private static void WriteOaiq(Utf8JsonWriter json, ConversionEvent conversionEvent)
    {
        var @event = conversionEvent.Event;
        json.WriteStartObject("oaiq"u8);
        json.WriteString("event_id"u8, conversionEvent.Id);
        json.WriteString("event_name"u8, @event.Name);

        // A null value is written as null: the key is always there for a tag manager's variable.
        json.WriteString("custom_event_name"u8, @event.CustomEventName);
        json.WriteString("pixel_id"u8, conversionEvent.PixelId);
        json.WriteBoolean("opt_out"u8, conversionEvent.OptOut);
        json.WritePropertyName("data"u8);
        ConversionsApiJson.WriteData(json, @event.Data, includeConversionsApiOnlyFields: false);
        json.WriteEndObject();
    }

    /// <summary>GA4's <c>ecommerce</c> object (Google Analytics 4, "Measure ecommerce"): amounts in major units (GA4 takes <c>value</c> and <c>price</c> as decimals).</summary>
    private static void WriteEcommerce(Utf8JsonWriter json, ConversionEvent conversionEvent, bool purchase)
    {
        var data = conversionEvent.Event.Data;
        IReadOnlyList<Content> contents = data switch
        {
            ContentsData c => c.Contents,
            PlanEnrollmentData p => p.Contents,
            CustomData c => c.Contents,
            _ => [],
        };

        json.WriteStartObject("ecommerce"u8);
        if (purchase)
        {
            json.WriteString("transaction_id"u8, conversionEvent.Id);
        }

        // GA4 needs a currency with any value or price: the event's, or else its items'.
        var currency = data.Amount?.Currency ?? contents.Select(static c => c.Amount?.Currency).FirstOrDefault(static c => c is not null);
        if (data.Amount is { } amount)
        {
            json.WriteNumber("value"u8, amount.MajorUnits);
        }

        if (currency is not null)
        {
            json.WriteString("currency"u8, currency);
        }

        if (contents.Count > 0)
        {
            json.WriteStartArray("items"u8);
            foreach (var content in contents)
            {
                json.WriteStartObject();
                if (content.Id is { } id)
                {
                    json.WriteString("item_id"u8, id);
                }

                if (content.Name is { } name)
                {
                    json.WriteString("item_name"u8, name);
                }

                if (content.Quantity is { } quantity)
                {
                    json.WriteNumber("quantity"u8, quantity);
                }

                if (content.Amount is { } price)
                {
                    json.WriteNumber("price"u8, price.MajorUnits);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }
}
