using System.Text.Json;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore;
using OaiqPixel.Testing;

namespace OaiqPixel.Sandbox;

/// <summary>
/// <c>POST {prefix}/v1/events?pid=…</c> as the real Conversions API answers it: bearer key, <c>pid</c>, and a body that
/// passes the strict spec validator of <c>OaiqPixel.Testing</c>, or the whole batch is refused with 400 and the first
/// problem found.
/// </summary>
internal static class SandboxConversionsApi
{
    private const int MaxBodyBytes = 8 * 1024 * 1024;

    public static async Task<IResult> ReceiveAsync(HttpContext context, OaiqSandbox sandbox, IOptionsMonitor<OaiqTrackingOptions> options, IOptions<OaiqSandboxOptions> sandboxOptions)
    {
        var current = options.CurrentValue;
        var now = sandbox.TimeProvider.GetUtcNow();
        context.Response.Headers["x-request-id"] = "req_sandbox_" + Guid.NewGuid().ToString("N")[..12];

        // The body is read before the pid and the key are judged, so a batch refused for either still names its events
        // on the page (which order did the wrong pixel id cost?); the endpoint answers loopback callers only.
        using var document = await SandboxRequests.ReadJsonAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        var body = document?.RootElement;
        var events = body is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("events", out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().ToList()
            : [];

        var pid = context.Request.Query["pid"].ToString();
        if (string.IsNullOrEmpty(pid))
        {
            return Reject(sandbox, 400, "Missing required query parameter: pid", events, now);
        }

        // The simulated account's pixels, when the app said which: any other pid is a bad request, as a wrong pixel id is.
        var account = sandboxOptions.Value.AccountPixelIds;
        if (account.Count > 0 && !account.Contains(pid, StringComparer.Ordinal))
        {
            return Reject(sandbox, 400, $"pid: unknown pixel ID \"{pid}\" (sandbox: the simulated account has {string.Join(", ", account)}, OaiqSandboxOptions.AccountPixelIds)", events, now, "pid");
        }

        // Each pixel has its own key (Oaiq:Pixels, or the app's pixel resolver), the shared one by default.
        if (FindPixel(context, current, pid) is not { } pixel)
        {
            return Reject(sandbox, 400, $"pid '{pid}' is not one of this app's pixels (Oaiq:PixelId, Oaiq:Pixels or its pixel resolver)", events, now);
        }

        var expectedKey = string.IsNullOrEmpty(pixel.ApiKey) ? current.ConversionsApi.ApiKey : pixel.ApiKey;
        if (string.IsNullOrEmpty(expectedKey) || !string.Equals(context.Request.Headers.Authorization.ToString(), "Bearer " + expectedKey, StringComparison.Ordinal))
        {
            return Reject(sandbox, 401, ConversionsApiSchema.InsufficientPermissionsMessage + " (sandbox: send 'Authorization: Bearer <the pixel's ApiKey or Oaiq:ConversionsApi:ApiKey>')", events, now);
        }

        if (body is not { } json)
        {
            return Reject(sandbox, 400, "Request body must be JSON", [], now);
        }

        var error = ConversionsRequestValidator.Validate(json, now);
        if (error is not null)
        {
            return Reject(sandbox, 400, error, events, now);
        }

        var validateOnly = json.TryGetProperty("validate_only", out var flag) && flag.ValueKind == JsonValueKind.True;
        sandbox.Add(events.Select(e => new SandboxServerEvent(
            e.GetProperty("id").GetString()!,
            e.GetProperty("type").GetString()!,
            SandboxRequests.String(e, "custom_event_name"),
            SandboxRequests.String(e, "oppref"),
            SandboxRequests.String(e, "source_url"),
            validateOnly,
            e.GetRawText(),
            now,
            pid,
            SandboxMatchKeys.Read(e, pid))).ToList());
        return Results.Json(new { events_received = events.Count, validate_only = validateOnly });
    }

    private static IResult Reject(OaiqSandbox sandbox, int status, string message, List<JsonElement> events, DateTimeOffset now, string? param = null)
    {
        sandbox.Add(new SandboxRejection(status, message, events.Count, [.. events.Select(e => SandboxRequests.String(e, "id")).OfType<string>()], now));
        return Results.Json(new { error = new { message, type = status == 401 ? "permission_error" : "invalid_request_error", param } }, statusCode: status);
    }

    /// <summary>The app's pixel with this id: <c>Oaiq:PixelId</c>, an item of <c>Oaiq:Pixels</c>, or what its resolver finds.</summary>
    private static OaiqPixelOptions? FindPixel(HttpContext context, OaiqTrackingOptions options, string pid)
    {
        if (string.Equals(pid, options.PixelId, StringComparison.Ordinal))
        {
            return new OaiqPixelOptions { PixelId = pid };
        }

        return options.Pixels.FirstOrDefault(p => string.Equals(p?.PixelId, pid, StringComparison.Ordinal))
            ?? context.RequestServices.GetService<IOaiqPixelResolver>()?.FindPixel(pid);
    }
}
