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
}
