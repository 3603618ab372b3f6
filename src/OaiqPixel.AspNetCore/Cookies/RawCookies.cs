using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace OaiqPixel.AspNetCore.Cookies;

/// <summary>
/// Reads and writes our cookies by hand: <c>Response.Cookies.Append</c> percent-encodes values and
/// <c>Request.Cookies</c> decodes them, but <c>__oppref</c> must travel byte-for-byte (the SDK reads it raw).
/// </summary>
internal static class RawCookies
{
    public const string Oppref = "__oppref";
    public const string Obref = "__obref";
    public const string Carrier = "__oaiq_carry";

    /// <summary>The longest <c>oppref</c> stored in the cookie.</summary>
    public const int MaxOpprefLength = 2048;

    // cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E: visible ASCII but for '"', ',', ';' and '\'.
    private static readonly SearchValues<char> s_cookieOctets =
        SearchValues.Create([.. Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(static c => (char)c).Where(static c => c is not ('"' or ',' or ';' or '\\'))]);

    /// <summary>Whether <paramref name="value"/> is made only of RFC 6265 <c>cookie-octet</c>s, so it can be stored verbatim.</summary>
    public static bool IsCookieValue(ReadOnlySpan<char> value) => !value.ContainsAnyExcept(s_cookieOctets);

    /// <summary>Why a value cannot be the <c>__oppref</c> cookie, or <see langword="null"/> when it can.</summary>
    public static string? CheckOppref(string? value) =>
        string.IsNullOrEmpty(value) ? "it is empty"
        : value.Length > MaxOpprefLength ? "it is longer than 2,048 characters"
        : !IsCookieValue(value) ? "it has characters that cannot be stored verbatim in a cookie"
        : null;

    /// <summary>A cheap test on the raw header, without parsing (or allocating, for the usual single header).</summary>
    public static bool MayContain(StringValues cookieHeader, string name) => cookieHeader.ToString().Contains(name, StringComparison.Ordinal);

    /// <summary>Finds a cookie in the raw <c>Cookie</c> header, value undecoded (surrounding quotes removed).</summary>
    public static bool TryGet(StringValues cookieHeader, string name, out string? value)
    {
        for (var i = 0; i < cookieHeader.Count; i++)
        {
            var header = cookieHeader[i].AsSpan();
            while (!header.IsEmpty)
            {
                var end = header.IndexOf(';');
                var pair = (end < 0 ? header : header[..end]).Trim(' ');
                header = end < 0 ? default : header[(end + 1)..];
                var eq = pair.IndexOf('=');
                if (eq > 0 && pair[..eq].TrimEnd(' ').SequenceEqual(name))
                {
                    var raw = pair[(eq + 1)..].TrimStart(' ');
                    if (raw.Length >= 2 && raw[0] == '"' && raw[^1] == '"')
                    {
                        raw = raw[1..^1];
                    }

                    value = raw.ToString();
                    return true;
                }
            }
        }

        value = null;
        return false;
    }

    /// <summary>
    /// Appends <c>Set-Cookie: name=value; max-age=…; domain=…; path=/; secure; samesite=lax[; httponly]</c> with
    /// <see cref="SetCookieHeaderValue"/>, which writes the value as it is (no percent-encoding, unlike
    /// <c>Response.Cookies.Append</c>); the value must already be cookie-octets (<see cref="IsCookieValue"/>).
    /// </summary>
    public static void Append(HttpResponse response, string name, string value, long maxAgeSeconds, string? domain, bool secure, bool httpOnly) =>
        response.Headers.Append(HeaderNames.SetCookie, new SetCookieHeaderValue(name, value)
        {
            // A deletion (max-age=0) also carries an expiry in the past, for clients that ignore max-age.
            Expires = maxAgeSeconds == 0 ? DateTimeOffset.UnixEpoch : null,
            MaxAge = TimeSpan.FromSeconds(maxAgeSeconds),
            Domain = domain,
            Path = "/",
            Secure = secure,
            SameSite = Microsoft.Net.Http.Headers.SameSiteMode.Lax,
            HttpOnly = httpOnly,
        }.ToString());

    /// <summary>Appends a <c>Set-Cookie</c> that deletes the cookie (expired, <c>max-age=0</c>) on the same path and domain.</summary>
    public static void Delete(HttpResponse response, string name, string? domain, bool secure) =>
        Append(response, name, string.Empty, 0, domain, secure, httpOnly: false);
}
