using OaiqPixel.Text;

namespace OaiqPixel;

/// <summary>
/// One recorded event with everything both legs need: the <see cref="OaiqEvent"/> (name, data, custom name), the event
/// id that deduplicates the pixel and Conversions API copies, the time it happened, and the context the Conversions API
/// needs (<c>oppref</c>, <c>source_url</c>, <c>action_source</c>, <c>user</c>).
/// </summary>
/// <remarks>
/// Immutable. In an ASP.NET Core app the tracker builds it for you from the request; build it yourself for
/// server-only events (webhooks, offline conversions, workers), with an explicit <see cref="Oppref"/>,
/// <see cref="Timestamp"/> and <see cref="ActionSource"/>.
/// </remarks>
public sealed class ConversionEvent
{
    private static readonly System.Buffers.SearchValues<char> s_digitsAndDots = System.Buffers.SearchValues.Create("0123456789.");

    [ThreadStatic]
    private static string? t_lastHttpUrl;

    /// <summary>Creates an event with a known id and time.</summary>
    /// <param name="event">What happened.</param>
    /// <param name="id">The event id shared by both legs (e.g. <c>order_42</c>); see <see cref="EventIds.Validate"/>.</param>
    /// <param name="timestamp">When it happened.</param>
    /// <exception cref="ArgumentException">The id is empty, too long or has white space or control characters.</exception>
    public ConversionEvent(OaiqEvent @event, string id, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(@event);
        Event = @event;
        Id = EventIds.Validate(id, nameof(id));
        Timestamp = timestamp;
    }

    /// <summary>Creates an event that happened now.</summary>
    /// <param name="event">What happened.</param>
    /// <param name="timeProvider">The clock; pass <see cref="TimeProvider.System"/> outside tests.</param>
    /// <param name="id">The event id, or <see langword="null"/> to generate an opaque one with <see cref="EventIds.New"/>.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">The id is not usable.</exception>
    public static ConversionEvent Create(OaiqEvent @event, TimeProvider timeProvider, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return new ConversionEvent(@event, id ?? EventIds.New(), timeProvider.GetUtcNow());
    }

    /// <summary>What happened.</summary>
    public OaiqEvent Event { get; }

    /// <summary>The event id: the pixel's <c>event_id</c> option and the Conversions API <c>id</c>.</summary>
    public string Id { get; }

    /// <summary>When the event happened (<c>timestamp_ms</c>); kept unchanged on retries.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Excludes the event from future user-level personalization (<c>opt_out</c>). Not a consent mechanism.</summary>
    public bool OptOut { get; init; }

    /// <summary>The OpenAI click reference from the landing URL or the <c>__oppref</c> cookie, byte-for-byte.</summary>
    /// <exception cref="ArgumentException">The value is empty or has white space or control characters.</exception>
    public string? Oppref
    {
        get;
        init
        {
            if (value is not null && !IsValidOppref(value))
            {
                throw new ArgumentException("oppref must be the original non-empty value, without white space or control characters.", nameof(Oppref));
            }

            field = value;
        }
    }

    /// <summary>The page the event happened on: scheme, host and path (<c>source_url</c>). Required for <see cref="OaiqPixel.ActionSource.Web"/>.</summary>
    /// <exception cref="ArgumentException">The value is not an absolute http or https URL.</exception>
    public string? SourceUrl
    {
        get;
        init
        {
            if (value is not null && !IsValidSourceUrl(value))
            {
                throw new ArgumentException("source_url must be an absolute http(s) URL with a host, such as https://shop.example.com/checkout.", nameof(SourceUrl));
            }

            field = value;
        }
    }

    /// <summary>
    /// Where the event happened (<c>action_source</c>). When <see langword="null"/>, <see cref="EffectiveActionSource"/>
    /// is <c>web</c> if a <see cref="SourceUrl"/> is set (and <c>mobile_app</c> for app events).
    /// </summary>
    public ActionSource? ActionSource { get; init; }

    /// <summary>The <c>action_source</c> that is sent, or <see langword="null"/> when it cannot be inferred (the validator reports it).</summary>
    public ActionSource? EffectiveActionSource => ActionSource
        ?? (Event.Name is OaiqEventNames.AppInstalled or OaiqEventNames.AppOpened ? OaiqPixel.ActionSource.MobileApp
            : SourceUrl is not null ? OaiqPixel.ActionSource.Web
            : null);

    /// <summary>Who the event is about (hashed identifiers, geography, <c>obref</c>, IP, user agent).</summary>
    public UserData? User { get; init; }

    /// <summary>
    /// The one pixel this event is reported to, or <see langword="null"/> (the default) for every pixel: in the browser
    /// <c>measureSingle(pixelId, …)</c> instead of <c>measure</c> (spec §1.7), on the server leg a copy for that pixel only.
    /// Each pixel deduplicates on its own (spec §5), so a conversion sent to two pixels keeps one <see cref="Id"/>.
    /// </summary>
    /// <remarks>
    /// For the sink of an ASP.NET Core app, <see langword="null"/> means every configured pixel (<c>Oaiq:PixelId</c> and
    /// <c>Oaiq:Pixels</c>); an event recorded in a request goes to that request's pixels.
    /// </remarks>
    /// <exception cref="ArgumentException">The value is empty, longer than 128 characters or has white space or control characters.</exception>
    public string? PixelId
    {
        get;
        init
        {
            if (value is not null && (value.Length is 0 or > 128 || TextChecks.HasWhiteSpaceOrControl(value)))
            {
                throw new ArgumentException("PixelId must be the Pixel ID from Ads Manager: 1-128 characters, without white space or control characters.", nameof(PixelId));
            }

            field = value;
        }
    }

    /// <summary>A copy of this event aimed at one pixel (<see cref="PixelId"/>), with the same id, time, data and context.</summary>
    /// <param name="pixelId">The Pixel ID.</param>
    /// <returns>The copy, or this event when it is already aimed at <paramref name="pixelId"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="pixelId"/> is not a usable Pixel ID (see <see cref="PixelId"/>).</exception>
    public ConversionEvent ForPixel(string pixelId) =>
        string.Equals(PixelId, pixelId, StringComparison.Ordinal)
            ? this
            : new ConversionEvent(Event, Id, Timestamp)
            {
                OptOut = OptOut,
                Oppref = Oppref,
                SourceUrl = SourceUrl,
                ActionSource = ActionSource,
                User = User,
                PixelId = pixelId,
            };

    /// <summary>Whether a value can be an <see cref="Oppref"/>: the original non-empty string, without white space or control characters, valid UTF-16.</summary>
    /// <param name="value">The candidate, e.g. a landing URL's <c>oppref</c> query value.</param>
    /// <returns><see langword="true"/> when <see cref="Oppref"/> accepts it (spec §4.2: pass the original string unmodified).</returns>
    public static bool IsValidOppref(string? value) =>
        value is { Length: > 0 } && !TextChecks.HasWhiteSpaceOrControl(value) && !TextChecks.HasLoneSurrogate(value);

    /// <summary>Whether a value can be a <see cref="SourceUrl"/>: an absolute http or https URL with a host (spec §4.2).</summary>
    /// <param name="value">The candidate.</param>
    /// <returns><see langword="true"/> when <see cref="SourceUrl"/> accepts it.</returns>
    public static bool IsValidSourceUrl(string? value) => value is not null && IsHttpUrl(value);

    /// <summary>Whether a value is an absolute http(s) URL with a host.</summary>
    /// <remarks>
    /// Parsing a <see cref="Uri"/> is the costliest step of building an event, and the same source URL string (built
    /// once per request) is checked for every event of the request: the last string instance found valid on this thread
    /// is remembered, so a repeat check of that very instance (strings are immutable) costs a reference comparison.
    /// </remarks>
    private static bool IsHttpUrl(string value)
    {
        if (ReferenceEquals(value, t_lastHttpUrl))
        {
            return true;
        }

        var valid = IsPlainHttpUrl(value) || IsHttpUri(value);
        if (valid)
        {
            t_lastHttpUrl = value;
        }

        return valid;
    }

    private static bool IsHttpUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.Host.Length > 0;

    /// <summary>
    /// A cheap, conservative test that only accepts what <see cref="Uri"/> certainly accepts as an absolute http(s) URL
    /// with a host: a lowercase <c>http://</c> or <c>https://</c>, a DNS name of letter-or-digit labels (hyphens inside)
    /// or a dotted-quad IPv4 address in canonical form, an optional port, and a path of RFC 3986 path characters.
    /// Anything else (IPv6 literals, other IPv4 spellings, queries, unusual characters) goes to the full
    /// <see cref="Uri"/> parse.
    /// </summary>
    internal static bool IsPlainHttpUrl(string value)
    {
        var rest = value.StartsWith("https://", StringComparison.Ordinal) ? value.AsSpan(8)
            : value.StartsWith("http://", StringComparison.Ordinal) ? value.AsSpan(7)
            : default;
        if (rest.IsEmpty)
        {
            return false;
        }

        var hostEnd = rest.IndexOfAny(':', '/');
        var host = hostEnd < 0 ? rest : rest[..hostEnd];
        if (host.Length is 0 or > 253 || !(IsDnsName(host) || IpAddressText.IsDottedQuad(host)))
        {
            return false;
        }

        rest = hostEnd < 0 ? default : rest[hostEnd..];
        if (!rest.IsEmpty && rest[0] == ':')
        {
            var portEnd = rest.IndexOf('/');
            var port = portEnd < 0 ? rest[1..] : rest[1..portEnd];
            if (port.Length is 0 or > 5 || port.ContainsAnyExceptInRange('0', '9') || int.Parse(port, provider: System.Globalization.CultureInfo.InvariantCulture) > 65535)
            {
                return false;
            }

            rest = portEnd < 0 ? default : rest[portEnd..];
        }

        for (var i = 0; i < rest.Length; i++)
        {
            var c = rest[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '.' or '_' or '~' or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=' or ':' or '@')
            {
                continue;
            }

            if (c == '%' && i + 2 < rest.Length && char.IsAsciiHexDigit(rest[i + 1]) && char.IsAsciiHexDigit(rest[i + 2]))
            {
                i += 2;
                continue;
            }

            return false;
        }

        return true;
    }

    private static bool IsDnsName(ReadOnlySpan<char> host)
    {
        var labelLength = 0;
        var previous = '.';
        foreach (var c in host)
        {
            if (c == '.')
            {
                if (labelLength == 0 || previous == '-')
                {
                    return false;
                }

                labelLength = 0;
            }
            else if (char.IsAsciiLetterOrDigit(c) || (c == '-' && labelLength > 0))
            {
                if (++labelLength > 63)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }

            previous = c;
        }

        // A name may end with the root dot ("shop.example."), not with a hyphen; it must not be all digits and dots
        // (Uri would read that as an IPv4 address, which the full parse handles).
        return previous != '-' && host.ContainsAnyExcept(s_digitsAndDots);
    }

    /// <summary>The event name and id, for logs; carries no personal data.</summary>
    /// <returns>E.g. <c>order_created order_42</c>.</returns>
    public override string ToString() => $"{Event} {Id}";
}
