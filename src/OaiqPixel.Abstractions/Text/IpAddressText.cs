using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace OaiqPixel.Text;

/// <summary>
/// Reads an IP address only in the textual forms the Conversions API documents ("a valid IPv4 or IPv6 address", spec §4.6):
/// IPv4 as a dotted quad, IPv6 as in RFC 4291 §2.2.
/// </summary>
/// <remarks>
/// <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> is not enough on its own: it also takes the legacy
/// <c>inet_aton</c> shorthands (<c>1</c> is <c>0.0.0.1</c>, <c>127.1</c> is <c>127.0.0.1</c>, <c>0x7f.1</c> and octal
/// <c>0177.0.0.1</c>), a zone index, brackets and a port, so a typo or a mangled header would be sent as some other
/// person's address. The grammar is checked here first; <see cref="IPAddress.Parse(string)"/> then only converts.
/// </remarks>
internal static class IpAddressText
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>What <see cref="TryParse"/> accepts, for error messages.</summary>
    public const string AcceptedForms =
        "IPv4 as four decimal numbers 0-255 separated by dots, without leading zeros (203.0.113.7), or IPv6 in RFC 4291 text form "
        + "(2001:db8::1, ::ffff:203.0.113.7), without a zone index, brackets or port";

    /// <summary>Parses <paramref name="text"/> when it is exactly a dotted-quad IPv4 address or an RFC 4291 IPv6 address.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        return (text.Contains(':', StringComparison.Ordinal) ? IsIPv6(text) : IsDottedQuad(text))
            && IPAddress.TryParse(text, out address);
    }

    /// <summary>
    /// Four decimal numbers 0–255 separated by dots; <c>0</c> alone, but no other leading zero: the one IPv4 form both the
    /// Conversions API and <see cref="Uri"/> take as it is.
    /// </summary>
    public static bool IsDottedQuad(ReadOnlySpan<char> text)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            // NumberStyles.None: ASCII digits only, no sign or white space.
            if (++parts > 4 || part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0')
                || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 255)
            {
                return false;
            }
        }

        return parts == 4;
    }

    /// <summary>
    /// RFC 4291 §2.2: eight groups of 1–4 hex digits; or fewer with one <c>::</c> standing for at least one group of zeros;
    /// the last two groups may be written as a dotted quad.
    /// </summary>
    private static bool IsIPv6(ReadOnlySpan<char> text)
    {
        var compression = text.IndexOf("::", StringComparison.Ordinal);
        if (compression < 0)
        {
            return CountGroups(text, ipv4TailAllowed: true) == 8;
        }

        var head = text[..compression];
        var tail = text[(compression + 2)..];
        if (tail.Contains("::", StringComparison.Ordinal))
        {
            return false;
        }

        var headGroups = CountGroups(head, ipv4TailAllowed: false);
        var tailGroups = CountGroups(tail, ipv4TailAllowed: true);
        return headGroups >= 0 && tailGroups >= 0 && headGroups + tailGroups <= 7;
    }

    /// <summary>The number of 16-bit groups in colon-separated hex groups (a dotted-quad tail counts two); -1 when malformed.</summary>
    private static int CountGroups(ReadOnlySpan<char> text, bool ipv4TailAllowed)
    {
        if (text.IsEmpty)
        {
            return 0;
        }

        var groups = 0;
        var lastColon = text.LastIndexOf(':');
        foreach (var range in text.Split(':'))
        {
            var group = text[range];
            if (ipv4TailAllowed && range.Start.Value == lastColon + 1 && group.Contains('.'))
            {
                if (!IsDottedQuad(group))
                {
                    return -1;
                }

                groups += 2;
                continue;
            }

            if (group.Length is 0 or > 4 || group.ContainsAnyExcept(HexDigits))
            {
                return -1;
            }

            groups++;
        }

        return groups;
    }
}
