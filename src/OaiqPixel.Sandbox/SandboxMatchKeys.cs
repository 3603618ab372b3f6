using System.Text;
using System.Text.Json;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.Sandbox;

/// <summary>
/// The match keys of a received Conversions API event as the library's record determined them
/// (<see cref="ConversionEventRecord.MatchKeys"/>, read back with <see cref="ConversionEventRecord.FromJson"/>), named
/// for the page; the rule of what counts as a key is the record's, not the page's. Names only, never values.
/// </summary>
internal static class SandboxMatchKeys
{
    // The page's name for each key; the four location lists show as one "location".
    private static readonly (ConversionEventMatchKeys Key, string Name)[] s_names =
    [
        (ConversionEventMatchKeys.Oppref, "oppref"),
        (ConversionEventMatchKeys.Obref, "obref"),
        (ConversionEventMatchKeys.Email, "email"),
        (ConversionEventMatchKeys.Phone, "phone"),
        (ConversionEventMatchKeys.ExternalId, "external id"),
        (ConversionEventMatchKeys.FirstName, "first name"),
        (ConversionEventMatchKeys.LastName, "last name"),
        (ConversionEventMatchKeys.AdvertisingId, "advertising id"),
        (ConversionEventMatchKeys.IpAddress, "IP"),
        (ConversionEventMatchKeys.UserAgent, "user agent"),
        (ConversionEventMatchKeys.Country | ConversionEventMatchKeys.Region | ConversionEventMatchKeys.City | ConversionEventMatchKeys.PostalCode, "location"),
    ];

    /// <summary>The names of the keys <paramref name="conversionEvent"/> carries, or none when it is not a record this library wrote.</summary>
    public static IReadOnlyList<string> Read(JsonElement conversionEvent, string pixelId)
    {
        ConversionEventMatchKeys keys;
        try
        {
            keys = ConversionEventRecord.FromJson(pixelId, Encoding.UTF8.GetBytes(conversionEvent.GetRawText())).MatchKeys;
        }
        catch (ArgumentException)
        {
            return [];
        }

        return [.. s_names.Where(n => (keys & n.Key) != 0).Select(n => n.Name)];
    }
}
