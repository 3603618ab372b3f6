using System.Net;
using OaiqPixel.Text;

namespace OaiqPixel;

/// <summary>
/// Who an event is about, for matching: hashed identifiers, raw geography, and the browser reference, IP address and
/// user agent of the server leg. Immutable; every <c>With…</c> method returns a new instance.
/// </summary>
/// <remarks>
/// Raw identifiers passed to <see cref="FromEmail"/>, <see cref="WithEmail"/>, <see cref="WithPhoneNumber"/>,
/// <see cref="WithExternalId"/>, <see cref="WithFirstName"/> and <see cref="WithLastName"/> are always normalized and hashed
/// at once (<see cref="UserDataNormalizer"/>, spec §4.5), even when the value happens to be 64 hexadecimal digits; the raw
/// value is never stored. Digests you computed yourself go only through the <c>…Sha256</c> methods. The Conversions API receives the plural lists (<c>emails_sha256</c>, …); the pixel's <c>init</c> receives the
/// first value of each under its singular key (<c>email_sha256</c>, …). Duplicates are ignored; OpenAI uses the first
/// three valid values of each list.
/// </remarks>
public sealed class UserData
{
    private static readonly System.Buffers.SearchValues<char> s_postalCodeCharacters =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -");

    private UserData()
    {
    }

    /// <summary>A copy with <paramref name="change"/> applied; no instance changes once a user holds it.</summary>
    private UserData With(Action<UserData> change)
    {
        var copy = (UserData)MemberwiseClone();
        change(copy);
        return copy;
    }

    /// <summary>
    /// The user data a web request carries — the <c>__obref</c> cookie, the client IP and the <c>User-Agent</c> — built
    /// in one step (spec §4.6: <c>obref</c>, <c>ip_address</c>, <c>user_agent</c>). Unlike the <c>With…</c> builders it
    /// never throws: a value they would refuse (blank, control characters, an invalid surrogate) is left out, because
    /// request data is untrusted input that must not fail a page.
    /// </summary>
    /// <param name="obref">The <c>__obref</c> cookie value, unchanged, or <see langword="null"/>.</param>
    /// <param name="ipAddress">The client address (an IPv4-mapped IPv6 address is sent as IPv4), or <see langword="null"/>.</param>
    /// <param name="userAgent">The <c>User-Agent</c> header, or <see langword="null"/>.</param>
    /// <returns>The user data; <see cref="Empty"/> when nothing is usable.</returns>
    public static UserData FromRequest(string? obref, IPAddress? ipAddress, string? userAgent)
    {
        obref = obref is not null && UserDataValues.IsUsableObref(obref) ? obref : null;
        userAgent = userAgent is not null && UserDataValues.IsUsableUserAgent(userAgent)
            && !TextChecks.HasControl(userAgent)
            ? userAgent
            : null;
        if (obref is null && ipAddress is null && userAgent is null)
        {
            return Empty;
        }

        return new UserData
        {
            Obref = obref,
            IpAddress = ipAddress is null ? null : UserDataValues.Format(ipAddress),
            UserAgent = userAgent,
        };
    }

    /// <summary>No user data.</summary>
    public static UserData Empty { get; } = new();

    /// <summary>SHA-256 digests of normalized emails (<c>emails_sha256</c>).</summary>
    public IReadOnlyList<string> EmailsSha256 { get; private set; } = [];

    /// <summary>SHA-256 digests of normalized phone numbers (<c>phone_numbers_sha256</c>).</summary>
    public IReadOnlyList<string> PhoneNumbersSha256 { get; private set; } = [];

    /// <summary>SHA-256 digests of trimmed external ids (<c>external_ids_sha256</c>).</summary>
    public IReadOnlyList<string> ExternalIdsSha256 { get; private set; } = [];

    /// <summary>SHA-256 digests of normalized first names (<c>first_names_sha256</c>).</summary>
    public IReadOnlyList<string> FirstNamesSha256 { get; private set; } = [];

    /// <summary>SHA-256 digests of normalized last names (<c>last_names_sha256</c>).</summary>
    public IReadOnlyList<string> LastNamesSha256 { get; private set; } = [];

    /// <summary>Two-letter ISO 3166-1 country codes, upper case (<c>countries</c>).</summary>
    public IReadOnlyList<string> Countries { get; private set; } = [];

    /// <summary>States or provinces, raw (<c>regions</c>).</summary>
    public IReadOnlyList<string> Regions { get; private set; } = [];

    /// <summary>Cities, raw (<c>cities</c>).</summary>
    public IReadOnlyList<string> Cities { get; private set; } = [];

    /// <summary>Postal codes, raw (<c>postal_codes</c>).</summary>
    public IReadOnlyList<string> PostalCodes { get; private set; } = [];

    /// <summary>The pixel's opaque browser reference from the <c>__obref</c> cookie, unchanged and unhashed. Conversions API only.</summary>
    public string? Obref { get; private set; }

    /// <summary>The client's IPv4 or IPv6 address. Conversions API only.</summary>
    public string? IpAddress { get; private set; }

    /// <summary>The client's user agent. Conversions API only.</summary>
    public string? UserAgent { get; private set; }

    /// <summary>The Android advertising id (GAID, UUID form). Conversions API only.</summary>
    public string? AndroidAdvertisingId { get; private set; }

    /// <summary>Whether nothing is set.</summary>
    public bool IsEmpty => !HasPixelFields && Obref is null && IpAddress is null && UserAgent is null && AndroidAdvertisingId is null;

    /// <summary>Whether any field the pixel's <c>init</c> accepts is set (hashes and geography).</summary>
    public bool HasPixelFields =>
        EmailsSha256.Count + PhoneNumbersSha256.Count + ExternalIdsSha256.Count + FirstNamesSha256.Count + LastNamesSha256.Count
        + Countries.Count + Regions.Count + Cities.Count + PostalCodes.Count > 0;

    /// <summary>User data with one email.</summary>
    /// <param name="email">The raw email, normalized and hashed here. A digest goes to <see cref="WithEmailSha256"/>.</param>
    /// <returns>The user data.</returns>
    /// <exception cref="ArgumentException">The email is not valid (or is a digest); the message names the rule, not the value.</exception>
    public static UserData FromEmail(string email) => Empty.WithEmail(email);

    /// <summary>Adds an email, normalized (trim, lowercase as ECMAScript <c>toLowerCase</c>) and hashed.</summary>
    /// <param name="email">The raw email. A digest goes to <see cref="WithEmailSha256"/>.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The email is not valid (or is a digest); the message names the rule, not the value.</exception>
    public UserData WithEmail(string email) => With(u => u.EmailsSha256 = UserDataValues.Add(EmailsSha256, UserDataNormalizer.HashEmail(email)));

    /// <summary>Adds an email you hashed yourself; the only way to pass a digest (<see cref="WithEmail"/> hashes what it gets).</summary>
    /// <param name="sha256">SHA-256 of the normalized email, 64 hex digits (lowercased here).</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The value is not 64 hex digits.</exception>
    public UserData WithEmailSha256(string sha256) => With(u => u.EmailsSha256 = UserDataValues.Add(EmailsSha256, UserDataValues.CheckDigest(sha256, nameof(sha256))));

    /// <summary>Adds a phone number, normalized (country code kept, separators, <c>+</c> and leading zeros removed) and hashed.</summary>
    /// <param name="phoneNumber">The raw number with its country calling code. A digest goes to <see cref="WithPhoneNumberSha256"/>.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The number is not 8–15 digits after normalization, has other characters, or is a digest.</exception>
    public UserData WithPhoneNumber(string phoneNumber) => With(u => u.PhoneNumbersSha256 = UserDataValues.Add(PhoneNumbersSha256, UserDataNormalizer.HashPhoneNumber(phoneNumber)));

    /// <summary>Adds a phone number you hashed yourself; the only way to pass a digest (<see cref="WithPhoneNumber"/> hashes what it gets).</summary>
    /// <param name="sha256">SHA-256 of the normalized number, 64 hex digits.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The value is not 64 hex digits.</exception>
    public UserData WithPhoneNumberSha256(string sha256) => With(u => u.PhoneNumbersSha256 = UserDataValues.Add(PhoneNumbersSha256, UserDataValues.CheckDigest(sha256, nameof(sha256))));

    /// <summary>Adds an external id, trimmed (case kept) and hashed; an id that is itself 64 hex digits is hashed too.</summary>
    /// <param name="externalId">Your stable pseudonymous customer id, raw. A digest goes to <see cref="WithExternalIdSha256"/>.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The id is empty.</exception>
    public UserData WithExternalId(string externalId) => With(u => u.ExternalIdsSha256 = UserDataValues.Add(ExternalIdsSha256, UserDataNormalizer.HashExternalId(externalId)));

    /// <summary>Adds an external id you hashed yourself; the only way to pass a digest (<see cref="WithExternalId"/> hashes what it gets).</summary>
    /// <param name="sha256">SHA-256 of the trimmed id, 64 hex digits.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The value is not 64 hex digits.</exception>
    public UserData WithExternalIdSha256(string sha256) => With(u => u.ExternalIdsSha256 = UserDataValues.Add(ExternalIdsSha256, UserDataValues.CheckDigest(sha256, nameof(sha256))));

    /// <summary>Adds a first name, normalized (lowercase as ECMAScript <c>toLowerCase</c>, no white space or ASCII punctuation) and hashed.</summary>
    /// <param name="firstName">The raw first name. A digest goes to <see cref="WithFirstNameSha256"/>.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">Nothing is left after normalization.</exception>
    public UserData WithFirstName(string firstName) => With(u => u.FirstNamesSha256 = UserDataValues.Add(FirstNamesSha256, UserDataNormalizer.HashName(firstName)));

    /// <summary>Adds a first name you hashed yourself; the only way to pass a digest (<see cref="WithFirstName"/> hashes what it gets).</summary>
    /// <param name="sha256">SHA-256 of the normalized name, 64 hex digits.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The value is not 64 hex digits.</exception>
    public UserData WithFirstNameSha256(string sha256) => With(u => u.FirstNamesSha256 = UserDataValues.Add(FirstNamesSha256, UserDataValues.CheckDigest(sha256, nameof(sha256))));

    /// <summary>Adds a last name, normalized (lowercase as ECMAScript <c>toLowerCase</c>, no white space or ASCII punctuation) and hashed.</summary>
    /// <param name="lastName">The raw last name. A digest goes to <see cref="WithLastNameSha256"/>.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">Nothing is left after normalization.</exception>
    public UserData WithLastName(string lastName) => With(u => u.LastNamesSha256 = UserDataValues.Add(LastNamesSha256, UserDataNormalizer.HashName(lastName)));

    /// <summary>Adds a last name you hashed yourself; the only way to pass a digest (<see cref="WithLastName"/> hashes what it gets).</summary>
    /// <param name="sha256">SHA-256 of the normalized name, 64 hex digits.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The value is not 64 hex digits.</exception>
    public UserData WithLastNameSha256(string sha256) => With(u => u.LastNamesSha256 = UserDataValues.Add(LastNamesSha256, UserDataValues.CheckDigest(sha256, nameof(sha256))));

    /// <summary>Adds a country (sent raw).</summary>
    /// <param name="country">A two-letter ISO 3166-1 code such as <c>US</c>; upper-cased here.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The value is not two ASCII letters.</exception>
    public UserData WithCountry(string country)
    {
        ArgumentNullException.ThrowIfNull(country);
        var code = country.Trim();
        if (code.Length != 2 || !char.IsAsciiLetter(code[0]) || !char.IsAsciiLetter(code[1]))
        {
            throw new ArgumentException("The country must be a two-letter ISO 3166-1 code such as US.", nameof(country));
        }

        return With(u => u.Countries = UserDataValues.Add(Countries, code.ToUpperInvariant()));
    }

    /// <summary>Adds a city (sent raw; OpenAI trims and lowercases it).</summary>
    /// <param name="city">The city, at most 128 characters.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The value is empty or longer than 128 characters.</exception>
    public UserData WithCity(string city) => With(u => u.Cities = UserDataValues.Add(Cities, UserDataValues.CheckGeo(city, 128, nameof(city))));

    /// <summary>Adds a state or province (sent raw; OpenAI trims and lowercases it).</summary>
    /// <param name="region">The region, at most 128 characters.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The value is empty or longer than 128 characters.</exception>
    public UserData WithRegion(string region) => With(u => u.Regions = UserDataValues.Add(Regions, UserDataValues.CheckGeo(region, 128, nameof(region))));

    /// <summary>Adds a postal code (sent raw).</summary>
    /// <param name="postalCode">Letters, digits, spaces and hyphens; at most 32 characters.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The value is empty, too long or has other characters.</exception>
    public UserData WithPostalCode(string postalCode)
    {
        var value = UserDataValues.CheckGeo(postalCode, 32, nameof(postalCode));
        if (value.AsSpan().ContainsAnyExcept(s_postalCodeCharacters))
        {
            throw new ArgumentException("A postal code may contain only letters, digits, spaces and hyphens.", nameof(postalCode));
        }

        return With(u => u.PostalCodes = UserDataValues.Add(PostalCodes, value));
    }

    /// <summary>Sets the pixel's browser reference, read from the <c>__obref</c> cookie and passed unchanged.</summary>
    /// <param name="obref">The cookie value; never generate one.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The value is blank or has control characters.</exception>
    public UserData WithObref(string obref)
    {
        ArgumentNullException.ThrowIfNull(obref);
        if (!UserDataValues.IsUsableObref(obref))
        {
            throw new ArgumentException("obref must be the non-blank __obref cookie value, unchanged.", nameof(obref));
        }

        return With(u => u.Obref = obref);
    }

    /// <summary>Sets the client's IP address, given as text in one of the forms the Conversions API documents (spec §4.6).</summary>
    /// <param name="ipAddress">
    /// An IPv4 address as four decimal numbers 0–255 without leading zeros (<c>203.0.113.7</c>), or an IPv6 address in
    /// RFC 4291 §2.2 text form, <c>::</c> compression and a dotted-quad tail included (<c>2001:db8::1</c>,
    /// <c>::ffff:203.0.113.7</c>), with no zone index, brackets, port or surrounding white space. An IPv4-mapped IPv6
    /// address is sent as IPv4.
    /// </param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">
    /// The value is in any other form, including the legacy shorthands <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
    /// accepts (<c>1</c>, <c>127.1</c>, <c>0x7f.1</c>, octal <c>0177.0.0.1</c>), which would be sent as another address.
    /// </exception>
    public UserData WithIpAddress(string ipAddress)
    {
        ArgumentNullException.ThrowIfNull(ipAddress);
        if (!IpAddressText.TryParse(ipAddress, out var parsed))
        {
            throw new ArgumentException($"ip_address must be a valid IPv4 or IPv6 address: {IpAddressText.AcceptedForms}.", nameof(ipAddress));
        }

        return WithIpAddress(parsed);
    }

    /// <summary>Sets the client's IP address.</summary>
    /// <param name="ipAddress">The address; an IPv4-mapped IPv6 address is sent as IPv4, and an IPv6 scope (zone) id is left out.</param>
    /// <returns>A new instance.</returns>
    public UserData WithIpAddress(IPAddress ipAddress)
    {
        ArgumentNullException.ThrowIfNull(ipAddress);
        return With(u => u.IpAddress = UserDataValues.Format(ipAddress));
    }

    /// <summary>Sets the client's user agent.</summary>
    /// <param name="userAgent">The <c>User-Agent</c> of the client that generated the event.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The value is blank.</exception>
    public UserData WithUserAgent(string userAgent)
    {
        ArgumentNullException.ThrowIfNull(userAgent);
        if (!UserDataValues.IsUsableUserAgent(userAgent))
        {
            throw new ArgumentException("user_agent must be a non-empty User-Agent string.", nameof(userAgent));
        }

        return With(u => u.UserAgent = userAgent);
    }

    /// <summary>Sets the Android advertising id (GAID).</summary>
    /// <param name="advertisingId">The GAID in UUID form.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentException">The value is not a UUID.</exception>
    public UserData WithAndroidAdvertisingId(string advertisingId)
    {
        ArgumentNullException.ThrowIfNull(advertisingId);
        if (!Guid.TryParseExact(advertisingId, "D", out _))
        {
            throw new ArgumentException("android_advertising_id must be a GAID in UUID form (8-4-4-4-12 hex digits).", nameof(advertisingId));
        }

        return With(u => u.AndroidAdvertisingId = EcmaScriptCase.ToLower(advertisingId));
    }

    /// <summary>
    /// Combines two sets of user data: lists are concatenated (duplicates dropped), and the single values of
    /// <paramref name="other"/> win where set.
    /// </summary>
    /// <param name="other">The data to add.</param>
    /// <returns>A new instance, or this one when <paramref name="other"/> is empty.</returns>
    public UserData Merge(UserData? other)
    {
        if (other is null || other.IsEmpty)
        {
            return this;
        }

        if (IsEmpty)
        {
            return other;
        }

        return With(u =>
        {
            u.EmailsSha256 = UserDataValues.AddRange(EmailsSha256, other.EmailsSha256);
            u.PhoneNumbersSha256 = UserDataValues.AddRange(PhoneNumbersSha256, other.PhoneNumbersSha256);
            u.ExternalIdsSha256 = UserDataValues.AddRange(ExternalIdsSha256, other.ExternalIdsSha256);
            u.FirstNamesSha256 = UserDataValues.AddRange(FirstNamesSha256, other.FirstNamesSha256);
            u.LastNamesSha256 = UserDataValues.AddRange(LastNamesSha256, other.LastNamesSha256);
            u.Countries = UserDataValues.AddRange(Countries, other.Countries);
            u.Regions = UserDataValues.AddRange(Regions, other.Regions);
            u.Cities = UserDataValues.AddRange(Cities, other.Cities);
            u.PostalCodes = UserDataValues.AddRange(PostalCodes, other.PostalCodes);
            u.Obref = other.Obref ?? Obref;
            u.IpAddress = other.IpAddress ?? IpAddress;
            u.UserAgent = other.UserAgent ?? UserAgent;
            u.AndroidAdvertisingId = other.AndroidAdvertisingId ?? AndroidAdvertisingId;
        });
    }
}
