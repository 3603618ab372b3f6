using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace OaiqPixel.AspNetCore.Cookies;

/// <summary>
/// The browser's rules for a cookie's <c>Domain</c> attribute (RFC 6265 §5.1.3 domain-match, §5.3 step 5 public
/// suffixes; WHATWG URL for what counts as an IP address), so the library never writes a <c>Domain</c> the browser
/// drops and deletes a cookie on every domain it may have been written on.
/// </summary>
internal static class CookieDomains
{
    /// <summary>The most domain levels a cookie is deleted on (registrable domain first); real hosts are a few levels deep.</summary>
    public const int MaxParentDomains = 8;

    private static readonly SearchValues<char> s_hexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>
    /// Checks a configured <c>Domain</c>: <see langword="null"/> when it can work (then <paramref name="normalized"/> is
    /// the value to write: lower-case ASCII, punycode, without a leading dot), otherwise why not and what to do, naming
    /// <paramref name="key"/>. <see langword="null"/> or unset is valid: a host-only cookie.
    /// </summary>
    public static string? Check(string? configured, string key, out string? normalized)
    {
        normalized = null;
        if (configured is null)
        {
            return null;
        }

        const string Unset = "or leave Domain unset for a host-only cookie";
        var text = configured.Trim();

        // Browsers ignore one leading dot (RFC 6265 §5.2.3), so ".example.com" is accepted and written without it.
        if (text.StartsWith('.'))
        {
            text = text[1..];
        }

        if (text.Length == 0 || text.Contains("://", StringComparison.Ordinal) || text.IndexOfAny(['/', '?', '#', '@', '=', ';', ',', ' ']) >= 0)
        {
            return $"{key} must be a host name such as example.com (no scheme, port or path), {Unset}.";
        }

        // An IPv6 literal is no host name to canonicalize: IsIpAddress refuses it as it is.
        var isIpv6 = text.StartsWith('[') || (text.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6);
        if ((isIpv6 ? text : PublicSuffixList.Canonicalize(text)) is not { } canonical)
        {
            return $"{key} must be a host name such as example.com (letters, digits, '-' and dots; no port, no trailing dot), {Unset}.";
        }

        if (IsIpAddress(canonical))
        {
            return $"{key} is '{canonical}', an IP address: browsers only keep a host-only cookie for an IP address. Leave Domain unset.";
        }

        if (!canonical.Contains('.', StringComparison.Ordinal))
        {
            return $"{key} is '{canonical}', a single label: browsers drop a cookie whose Domain is a top-level name or a single-label host such as localhost. Use your registrable domain such as example.com, {Unset}.";
        }

        if (PublicSuffixList.Embedded.IsPublicSuffix(canonical))
        {
            return $"{key} is '{canonical}', a public suffix (Public Suffix List): browsers drop cookies for it. Use your registrable domain such as example.{canonical}, {Unset}.";
        }

        normalized = canonical;
        return null;
    }

    /// <summary>The configured <c>Domain</c> as written, or <see langword="null"/> when unset or unusable (validation reports it).</summary>
    public static string? Normalize(string? configured) =>
        string.IsNullOrWhiteSpace(configured) ? null : Check(configured, "Domain", out var normalized) is null ? normalized : null;

    /// <summary>
    /// The request's host as a cookie sees it: lower-case, IDN in punycode, IPv6 in brackets; <see langword="null"/> when
    /// there is none or it is not a host name.
    /// </summary>
    public static string? CanonicalHost(HostString host)
    {
        if (!host.HasValue)
        {
            return null;
        }

        var name = host.Host;
        return name.StartsWith('[') ? name.ToLowerInvariant() : PublicSuffixList.Canonicalize(name);
    }

    /// <summary>
    /// RFC 6265 §5.1.3: <paramref name="host"/> domain-matches <paramref name="domain"/> when they are identical, or the
    /// domain is a suffix of the host after a dot and the host is not an IP address. Both canonical.
    /// </summary>
    public static bool DomainMatches(string host, string domain) =>
        string.Equals(host, domain, StringComparison.Ordinal)
        || (host.Length > domain.Length
            && host[host.Length - domain.Length - 1] == '.'
            && host.EndsWith(domain, StringComparison.Ordinal)
            && !IsIpAddress(host));

    /// <summary>
    /// Whether a canonical host is an IP address as a browser parses it: an IPv6 literal, or a name whose last label is a
    /// number (WHATWG URL "ends in a number": <c>127.0.0.1</c>, <c>1.2.3</c>, <c>0x7f.1</c>).
    /// </summary>
    public static bool IsIpAddress(string host)
    {
        if (host.StartsWith('[') || host.Contains(':', StringComparison.Ordinal))
        {
            return true;
        }

        var last = host.AsSpan(host.LastIndexOf('.') + 1);
        if (last.IsEmpty)
        {
            return false;
        }

        if (last.Length >= 2 && last[0] == '0' && last[1] is 'x' or 'X')
        {
            return !last[2..].ContainsAnyExcept(s_hexDigits);
        }

        return !last.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>
    /// Every <c>Domain</c> on which a cookie visible to <paramref name="host"/> may have been written: its registrable
    /// domain (where the SDK writes), then each level below it down to the host itself, at most
    /// <see cref="MaxParentDomains"/> of them, plus <paramref name="configured"/> when it domain-matches the host. Public
    /// suffixes are never among them. Empty for an IP address or a host that is a public suffix (host-only cookies only).
    /// </summary>
    public static List<string> ParentDomains(string? host, string? configured)
    {
        var domains = new List<string>(4);
        if (host is null || IsIpAddress(host))
        {
            return domains;
        }

        if (PublicSuffixList.Embedded.GetRegistrableDomain(host) is { } registrable)
        {
            // From the registrable domain down: a made-up Host with a hundred labels must not cost a hundred headers.
            var start = host.Length - registrable.Length;
            while (domains.Count < MaxParentDomains)
            {
                domains.Add(host[start..]);
                if (start == 0)
                {
                    break;
                }

                start = host.LastIndexOf('.', start - 2) + 1;
            }
        }

        if (configured is not null && DomainMatches(host, configured) && !domains.Contains(configured))
        {
            domains.Add(configured);
        }

        return domains;
    }
}
