using System.Text.Json;
using OaiqPixel.Testing;

namespace OaiqPixel.ReliabilityTests.Outbox;

/// <summary>What a fake Conversions API received, by event id: when each id first arrived and whether every copy was the same event.</summary>
internal static class OutboxDeliveries
{
    /// <summary>The first time each event id arrived in an accepted request.</summary>
    public static Dictionary<string, DateTimeOffset> FirstArrivals(FakeConversionsApi api)
    {
        var first = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var request in api.Requests.Where(r => r.StatusCode == 200 && r.Body.Length > 0).OrderBy(r => r.ReceivedAt))
        {
            using var body = JsonDocument.Parse(request.Body);
            foreach (var e in body.RootElement.GetProperty("events").EnumerateArray())
            {
                first.TryAdd(e.GetProperty("id").GetString()!, request.ReceivedAt);
            }
        }

        return first;
    }

    /// <summary>The ids received more than once whose copies differ (anything but a same-id resend of the same record).</summary>
    public static List<string> DifferingCopies(params FakeConversionsApi[] apis) =>
        [.. apis.SelectMany(a => a.Events)
            .GroupBy(e => e.GetProperty("id").GetString()!, StringComparer.Ordinal)
            .Where(g => g.Select(e => e.GetRawText()).Distinct(StringComparer.Ordinal).Count() > 1)
            .Select(g => g.Key)];

    /// <summary>Every request that carried <paramref name="eventId"/>, in arrival order, with who got it and its outcome (for a failure message).</summary>
    public static string Timeline(string? eventId, params (string Name, FakeConversionsApi Api)[] apis)
    {
        if (eventId is null)
        {
            return string.Empty;
        }

        var needle = "\"id\":\"" + eventId + "\"";
        var requests = apis.SelectMany(a => a.Api.Requests.Where(r => r.Body.Contains(needle, StringComparison.Ordinal)).Select(r => (a.Name, Request: r)))
            .OrderBy(x => x.Request.ReceivedAt)
            .ToList();
        if (requests.Count == 0)
        {
            return $"No request carried {eventId}.";
        }

        var start = requests[0].Request.ReceivedAt;
        return $"Requests carrying {eventId}: " + string.Join("; ", requests.Select(x => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"+{(x.Request.ReceivedAt - start).TotalMilliseconds:F0} ms to {x.Name}, {x.Request.EventCount} events, {(x.Request.Aborted ? "aborted" : x.Request.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?")}")))
            + ". " + string.Join("; ", apis.Select(a => $"{a.Name}: {a.Api.TotalRequests} requests, {a.Api.AbortedRequests} aborted"));
    }
}
