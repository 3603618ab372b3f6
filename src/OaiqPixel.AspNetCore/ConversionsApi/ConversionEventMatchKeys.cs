namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The match keys one Conversions API event carries: the fields OpenAI can attribute it with (spec §4.6, and §4.11's
/// "matching signals": the click reference <c>oppref</c> and advanced matching data). Set on
/// <see cref="ConversionEventRecord.MatchKeys"/> when the record's JSON is written, counted by the
/// <c>oaiq.events.match_keys</c> metric and shown on the development page. Names only: never a value.
/// </summary>
/// <remarks>
/// A key counts when the event's JSON carries it: a non-empty string, or a list with at least one value (the API uses
/// the first three valid, unique values of each list, spec §4.6). The strong keys, which tie an event to one person or
/// click, are <see cref="Oppref"/>, <see cref="Obref"/>, <see cref="Email"/>, <see cref="Phone"/> and
/// <see cref="ExternalId"/>; IP address and user agent alone are weak (README "Match keys").
/// </remarks>
[Flags]
public enum ConversionEventMatchKeys
{
    /// <summary>No match key: OpenAI has nothing to attribute the event with.</summary>
    None = 0,

    /// <summary>The event's <c>oppref</c>: the ad click's reference, captured at landing (spec §4.2).</summary>
    Oppref = 1 << 0,

    /// <summary><c>user.obref</c>: the pixel's browser reference from the <c>__obref</c> cookie (spec §4.6).</summary>
    Obref = 1 << 1,

    /// <summary><c>user.emails_sha256</c>: hashed normalized emails (spec §4.5, §4.6).</summary>
    Email = 1 << 2,

    /// <summary><c>user.phone_numbers_sha256</c>: hashed normalized phone numbers.</summary>
    Phone = 1 << 3,

    /// <summary><c>user.external_ids_sha256</c>: hashed stable customer ids.</summary>
    ExternalId = 1 << 4,

    /// <summary><c>user.first_names_sha256</c>: hashed normalized first names.</summary>
    FirstName = 1 << 5,

    /// <summary><c>user.last_names_sha256</c>: hashed normalized last names.</summary>
    LastName = 1 << 6,

    /// <summary><c>user.countries</c>: two-letter country codes, raw.</summary>
    Country = 1 << 7,

    /// <summary><c>user.regions</c>, raw.</summary>
    Region = 1 << 8,

    /// <summary><c>user.cities</c>, raw.</summary>
    City = 1 << 9,

    /// <summary><c>user.postal_codes</c>, raw.</summary>
    PostalCode = 1 << 10,

    /// <summary><c>user.android_advertising_id</c>: the raw Google advertising id (Conversions API only).</summary>
    AdvertisingId = 1 << 11,

    /// <summary><c>user.ip_address</c>: the client's IP address.</summary>
    IpAddress = 1 << 12,

    /// <summary><c>user.user_agent</c>: the client's user agent.</summary>
    UserAgent = 1 << 13,
}
