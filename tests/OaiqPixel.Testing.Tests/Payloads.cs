using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OaiqPixel.Testing.Tests;

/// <summary>Valid sample events and a small path-based mutator for table-driven tests.</summary>
internal static partial class Payloads
{
    public const string EmailHash = "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514";
    public const string PhoneHash = "758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0";
    public const string ExternalIdHash = "18f69bcd2f9cc9c38195e722b2a5590429840ea5090971d2256e026926e55fa1";
    public const string FirstNameHash = "fdee430d40bd57deeac186cd9790033d0f06f909a8806e7ce6e717ab7c7d5029";
    public const string LastNameHash = "fb1e7ec987523d2cb9e022cec1d6ae7c99dc46edfae4fe51254025fe4bea571f";

    public static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A valid event of the given kind: order, lead, plan, custom or app.</summary>
    public static JsonObject Event(string kind, long? timestampMs = null, string? id = null)
    {
        var ts = timestampMs ?? NowMs;
        var json = kind switch
        {
            "order" => $$"""
                {
                  "id": "order_1", "type": "order_created", "timestamp_ms": {{ts}},
                  "oppref": "gAAAAB-opaque_ref==", "source_url": "https://shop.example.com/checkout/confirmation",
                  "action_source": "web", "opt_out": false,
                  "user": {
                    "emails_sha256": ["{{EmailHash}}"], "phone_numbers_sha256": ["{{PhoneHash}}"],
                    "external_ids_sha256": ["{{ExternalIdHash}}"], "first_names_sha256": ["{{FirstNameHash}}"],
                    "last_names_sha256": ["{{LastNameHash}}"], "regions": ["ca"], "postal_codes": ["94107"],
                    "cities": ["san francisco"], "countries": ["US"],
                    "android_advertising_id": "38400000-8cf0-11bd-b23e-10b96e40000d",
                    "obref": "123e4567-e89b-42d3-a456-426614174000", "ip_address": "203.0.113.1", "user_agent": "Mozilla/5.0"
                  },
                  "data": {
                    "type": "contents", "amount": 2599, "currency": "USD",
                    "contents": [{ "id": "sku_123", "group_id": "grp_1", "name": "Starter bundle", "content_type": "product",
                                   "quantity": 1, "amount": 2599, "currency": "USD", "variant_dict": { "size": "m", "color": "blue" } }]
                  }
                }
                """,
            "lead" => $$"""
                { "id": "lead_1", "type": "lead_created", "timestamp_ms": {{ts}}, "action_source": "web",
                  "source_url": "https://example.com/contact", "data": { "type": "customer_action", "amount": 500, "currency": "EUR" } }
                """,
            "plan" => $$"""
                { "id": "sub_1", "type": "subscription_created", "timestamp_ms": {{ts}}, "action_source": "email",
                  "data": { "type": "plan_enrollment", "plan_id": "pro_monthly", "contents": [{ "id": "pro", "quantity": 1 }] } }
                """,
            "custom" => $$"""
                { "id": "cust_1", "type": "custom", "custom_event_name": "newsletter_signup", "timestamp_ms": {{ts}},
                  "action_source": "other",
                  "data": { "type": "custom", "plan_id": "free", "contents": [], "campaign": "spring", "score": 4.5,
                            "flags": [true, false], "meta": { "nested": null }, "nothing": null } }
                """,
            "app" => $$"""
                { "id": "app_installed_123", "type": "app_installed", "timestamp_ms": {{ts}}, "action_source": "mobile_app",
                  "data": { "type": "customer_action" } }
                """,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var node = JsonNode.Parse(json)!.AsObject();
        if (id is not null)
        {
            node["id"] = id;
        }

        return node;
    }

    public static JsonObject Body(params JsonObject[] events) => new() { ["events"] = new JsonArray([.. events.Select(e => e.DeepClone())]) };

    public static string BodyJson(params JsonObject[] events) => Body(events).ToJsonString();

    /// <summary>
    /// Sets (or, when <paramref name="json"/> is null, removes) the value at a dotted path such as
    /// <c>data.contents[0].quantity</c>. Values may be time tokens: <c>@now</c>, <c>@now-7d-1m</c>, <c>@now+11m</c>,
    /// <c>@now-seconds</c> (Unix seconds instead of milliseconds).
    /// </summary>
    public static void Mutate(JsonObject target, string path, string? json, long nowMs)
    {
        var segments = path.Split('.');
        JsonNode current = target;
        foreach (var segment in segments[..^1])
        {
            var (name, index) = ParseSegment(segment);
            current = current[name]!;
            if (index is { } i)
            {
                current = current[i]!;
            }
        }

        var (lastName, lastIndex) = ParseSegment(segments[^1]);
        if (lastIndex is { } li)
        {
            var array = current[lastName]!.AsArray();
            if (json is null)
            {
                array.RemoveAt(li);
            }
            else
            {
                array[li] = Value(json, nowMs);
            }
        }
        else if (json is null)
        {
            current.AsObject().Remove(lastName);
        }
        else
        {
            current[lastName] = Value(json, nowMs);
        }
    }

    private static JsonNode? Value(string json, long nowMs)
    {
        if (json == "@now-seconds")
        {
            return JsonValue.Create(nowMs / 1000);
        }

        var match = TimeTokenRegex().Match(json);
        if (!match.Success)
        {
            return JsonNode.Parse(json);
        }

        var ms = nowMs;
        foreach (Capture offset in match.Groups["off"].Captures)
        {
            var part = OffsetRegex().Match(offset.Value);
            var amount = long.Parse(part.Groups[2].Value, CultureInfo.InvariantCulture);
            var unit = part.Groups[3].Value switch
            {
                "ms" => 1L,
                "s" => 1000L,
                "m" => 60_000L,
                "d" => 86_400_000L,
                _ => throw new FormatException(json),
            };
            ms += (part.Groups[1].Value == "-" ? -1 : 1) * amount * unit;
        }

        return JsonValue.Create(ms);
    }

    private static (string Name, int? Index) ParseSegment(string segment)
    {
        var bracket = segment.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0
            ? (segment, null)
            : (segment[..bracket], int.Parse(segment[(bracket + 1)..^1], CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^@now(?<off>[+-]\d+(?:ms|s|m|d))*$")]
    private static partial Regex TimeTokenRegex();

    [GeneratedRegex(@"^([+-])(\d+)(ms|s|m|d)$")]
    private static partial Regex OffsetRegex();
}
