using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using static OaiqPixel.Testing.Validation.JsonValueRules;

namespace OaiqPixel.Testing.Validation;

/// <summary>
/// An event's <c>user</c> (spec §4.6): hashed lists of lowercase SHA-256 hex digests, raw lists of strings, a
/// dotted-quad or IPv6 <c>ip_address</c>, non-blank scalar strings, and no other field.
/// </summary>
internal static partial class UserValidator
{
    public static string? Validate(JsonElement user, string path)
    {
        if (user.ValueKind != JsonValueKind.Object)
        {
            return $"{path}: must be an object (got {Describe(user)})";
        }

        foreach (var property in user.EnumerateObject())
        {
            var name = property.Name;
            var value = property.Value;
            var fieldPath = $"{path}.{name}";
            var error = ConversionsApiSchema.UserHashedListFields.Contains(name) ? ValidateStringList(value, fieldPath, hashed: true)
                : ConversionsApiSchema.UserRawListFields.Contains(name) ? ValidateStringList(value, fieldPath, hashed: false)
                : name == "ip_address" ? (value.ValueKind == JsonValueKind.String && IsIpAddress(value.GetString()!) ? null : $"{fieldPath}: must be a valid IPv4 or IPv6 address")
                : ConversionsApiSchema.UserStringFields.Contains(name) ? RequireNonBlankString(value, fieldPath)
                : $"{fieldPath}: unknown field";
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static string? ValidateStringList(JsonElement value, string path, bool hashed)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return $"{path}: must be an array of strings (got {Describe(value)})";
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]: must be a string (got {Describe(item)})");
            }

            if (hashed && !Sha256HexRegex().IsMatch(item.GetString()!))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]: must be a SHA-256 digest as 64 lowercase hex characters");
            }

            index++;
        }

        return null;
    }

    private static bool IsIpAddress(string value)
    {
        if (value.Contains(':', StringComparison.Ordinal))
        {
            // IPAddress.TryParse also takes a zone index ("fe80::1%eth0"), brackets and a port ("[::1]:80"), and a prefix
            // length: none is an address the API documents, and OaiqPixel never sends them.
            return value.AsSpan().IndexOfAny("%[]/ ") < 0
                && IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        // IPAddress.TryParse also accepts shorthand such as "10.1" or "0x7f.1"; require dotted-quad decimal.
        return Ipv4Regex().IsMatch(value);
    }

    [GeneratedRegex(@"^[0-9a-f]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256HexRegex();

    [GeneratedRegex(@"^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\z", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4Regex();
}
