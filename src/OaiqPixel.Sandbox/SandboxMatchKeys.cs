using System.Text.Json;

namespace OaiqPixel.Sandbox;

/// <summary>
/// Which match keys a received Conversions API event carried (spec §4.6): the event's <c>oppref</c> and the
/// <c>user</c> fields OpenAI matches on, by name, never their values.
/// </summary>
internal static class SandboxMatchKeys
{
    // The user object's keys by wire name, as the page names them; the location lists count as one key.
    private static readonly (string Field, string Name)[] s_userKeys =
    [
        ("obref", "obref"),
        ("emails_sha256", "email"),
        ("phone_numbers_sha256", "phone"),
        ("external_ids_sha256", "external id"),
        ("first_names_sha256", "first name"),
        ("last_names_sha256", "last name"),
        ("android_advertising_id", "advertising id"),
        ("ip_address", "IP"),
        ("user_agent", "user agent"),
    ];

    private static readonly string[] s_locationFields = ["regions", "postal_codes", "cities", "countries"];

    public static IReadOnlyList<string> Read(JsonElement conversionEvent)
    {
        var keys = new List<string>();
        if (Present(conversionEvent, "oppref"))
        {
            keys.Add("oppref");
        }

        if (conversionEvent.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object)
        {
            foreach (var (field, name) in s_userKeys)
            {
                if (Present(user, field))
                {
                    keys.Add(name);
                }
            }

            if (s_locationFields.Any(f => Present(user, f)))
            {
                keys.Add("location");
            }
        }

        return keys;
    }

    private static bool Present(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Trim().Length > 0,
            JsonValueKind.Array => value.GetArrayLength() > 0,
            _ => false,
        };
}
