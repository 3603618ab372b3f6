using System.Net;
using OaiqPixel.Text;

namespace OaiqPixel;

/// <summary>The checks and list rules behind <see cref="UserData"/>'s builders: what a value must be to be sent (spec §4.6).</summary>
internal static class UserDataValues
{
    /// <summary>A non-blank <c>__obref</c> value without control characters.</summary>
    public static bool IsUsableObref(string obref) =>
        !string.IsNullOrWhiteSpace(obref) && !TextChecks.HasControl(obref) && !TextChecks.HasLoneSurrogate(obref);

    /// <summary>A non-blank user agent.</summary>
    public static bool IsUsableUserAgent(string userAgent) => !string.IsNullOrWhiteSpace(userAgent) && !TextChecks.HasLoneSurrogate(userAgent);

    /// <summary>
    /// The text the API takes: IPv4-mapped addresses as IPv4, and no zone index (<c>%eth0</c> means something only on the host
    /// that saw it, and is not one of the documented forms).
    /// </summary>
    public static string Format(IPAddress ipAddress)
    {
        if (ipAddress.IsIPv4MappedToIPv6)
        {
            return ipAddress.MapToIPv4().ToString();
        }

        return ipAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && ipAddress.ScopeId != 0
            ? new IPAddress(ipAddress.GetAddressBytes()).ToString()
            : ipAddress.ToString();
    }

    /// <summary>The list with <paramref name="value"/> appended, or the same list when it already holds it (OpenAI uses the first three unique values).</summary>
    public static IReadOnlyList<string> Add(IReadOnlyList<string> list, string value) =>
        list.Contains(value, StringComparer.Ordinal) ? list : [.. list, value];

    /// <summary>The list with each of <paramref name="values"/> added as by <see cref="Add"/>.</summary>
    public static IReadOnlyList<string> AddRange(IReadOnlyList<string> list, IReadOnlyList<string> values) => values.Aggregate(list, Add);

    /// <summary>A SHA-256 digest given by the caller, lowercased; throws when it is not 64 hex digits.</summary>
    public static string CheckDigest(string sha256, string paramName)
    {
        ArgumentNullException.ThrowIfNull(sha256, paramName);
        var lowered = EcmaScriptCase.ToLower(sha256);
        return UserDataNormalizer.IsSha256Hex(lowered)
            ? lowered
            : throw new ArgumentException("A SHA-256 digest must be 64 hexadecimal digits; hash the normalized value first, or pass the raw value to the method without 'Sha256'.", paramName);
    }

    /// <summary>A raw geography value, trimmed; throws when empty, too long or not printable.</summary>
    public static string CheckGeo(string value, int maxLength, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        var trimmed = value.Trim();
        if (trimmed.Length == 0 || trimmed.Length > maxLength || TextChecks.HasControl(trimmed) || TextChecks.HasLoneSurrogate(trimmed))
        {
            throw new ArgumentException($"{paramName} must be 1-{maxLength} printable characters.", paramName);
        }

        return trimmed;
    }
}
