using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OaiqPixel.Testing.Server;

/// <summary>
/// The fake's events stream, <c>GET /v1/conversions/events?pid=…&amp;limit=…</c> (spec §4.10): with the Ads API key, the
/// newest rows (at most 50) of the last 15 minutes — each accepted Conversions API event as a <c>server_to_server</c> row,
/// and the <c>pixel_sdk</c> rows a test added (<see cref="FakeConversionsApi.AddPixelEvent"/>) — or <c>422</c>
/// <c>feature_not_available</c> while the stream is switched off. Requests are recorded like any other.
/// </summary>
internal sealed class EventStream(FakeConversionsApiOptions options, RequestRecorder recorder)
{
    public const string Path = "/v1/conversions/events";

    private static readonly TimeSpan s_span = TimeSpan.FromMinutes(15);
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _pixelRows = [];

    /// <summary>Whether the stream answers (otherwise <c>422 feature_not_available</c>).</summary>
    public bool Available { get; set; } = options.EventStreamAvailable;

    public void AddPixelRow(string pixelId, string eventType, string? eventId, DateTimeOffset eventTime)
    {
        var row = Row(eventType, "pixel_sdk", eventTime.ToUnixTimeMilliseconds(), options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        if (eventId is not null)
        {
            row["event_id"] = eventId;
        }

        row["pid"] = pixelId;
        lock (_gate)
        {
            _pixelRows.Add(row);
        }
    }

    /// <summary>Answers the request when it is for the stream; <see langword="false"/> leaves it to the Conversions API.</summary>
    public async Task<bool> TryAnswerAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) || !string.Equals(request.Path.Value, Path, StringComparison.Ordinal))
        {
            return false;
        }

        var pid = request.Query["pid"].ToString();
        var (status, body) = Answer(request, pid);
        recorder.Commit(new ReceivedRequest
        {
            RequestId = "req_" + Guid.NewGuid().ToString("N"),
            ReceivedAt = options.TimeProvider.GetUtcNow(),
            Method = request.Method,
            Path = Path,
            QueryString = request.QueryString.Value ?? string.Empty,
            PixelId = pid.Length == 0 ? null : pid,
            Headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value.ToArray()), StringComparer.OrdinalIgnoreCase),
            Body = string.Empty,
            StatusCode = status,
            ResponseBody = body,
        }, []);
        await Responder.WriteAsync(context, status, body);
        return true;
    }

    private (int Status, string Body) Answer(HttpRequest request, string pid)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || !string.Equals(authorization[7..], options.AdsApiKey, StringComparison.Ordinal))
        {
            return (StatusCodes.Status401Unauthorized, Responder.ErrorJson("Invalid Ads API key.", ConversionsApiSchema.InvalidRequestErrorType, null, "invalid_api_key"));
        }

        if (!Available)
        {
            return (StatusCodes.Status422UnprocessableEntity, Responder.ErrorJson(
                "The conversions events stream is not available for this account.", ConversionsApiSchema.InvalidRequestErrorType, null, "feature_not_available"));
        }

        if (pid.Length == 0)
        {
            return (StatusCodes.Status400BadRequest, Responder.ErrorJson("Missing required query parameter: pid", ConversionsApiSchema.InvalidRequestErrorType, "pid"));
        }

        var limit = int.TryParse(request.Query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var asked) ? Math.Clamp(asked, 1, 50) : 50;
        var since = (options.TimeProvider.GetUtcNow() - s_span).ToUnixTimeMilliseconds();
        var rows = ServerRows(pid).Concat(PixelRows(pid))
            .Where(r => r["received_at_ms"]!.GetValue<long>() >= since)
            .OrderByDescending(static r => r["received_at_ms"]!.GetValue<long>())
            .Take(limit);
        return (StatusCodes.Status200OK, new JsonObject { ["data"] = new JsonArray([.. rows]) }.ToJsonString());
    }

    private List<JsonObject> PixelRows(string pid)
    {
        lock (_gate)
        {
            return [.. _pixelRows.Where(r => r["pid"]!.GetValue<string>() == pid).Select(static r =>
            {
                var copy = (JsonObject)r.DeepClone();
                copy.Remove("pid");
                return copy;
            })];
        }
    }

    // The accepted, saved (not validate_only) events of the pixel, read back from the recorded requests.
    private IEnumerable<JsonObject> ServerRows(string pid)
    {
        foreach (var received in recorder.Requests.Where(r => r is { Method: "POST", StatusCode: >= 200 and < 300, ValidateOnly: false } && r.PixelId == pid && r.Body.Length > 0))
        {
            using var document = JsonDocument.Parse(received.Body);
            foreach (var e in document.RootElement.GetProperty("events").EnumerateArray())
            {
                var type = e.TryGetProperty("type", out var t) ? t.GetString() : null;
                var time = e.TryGetProperty("timestamp_ms", out var ms) && ms.TryGetInt64(out var value) ? value : received.ReceivedAt.ToUnixTimeMilliseconds();
                yield return Row(type ?? "unknown", "server_to_server", time, received.ReceivedAt.ToUnixTimeMilliseconds());
            }
        }
    }

    private static JsonObject Row(string eventType, string channel, long eventTimeMs, long receivedAtMs) => new()
    {
        ["event_type"] = eventType,
        ["api_channel"] = channel,
        ["event_timestamp_ms"] = eventTimeMs,
        ["received_at_ms"] = receivedAtMs,
    };
}
