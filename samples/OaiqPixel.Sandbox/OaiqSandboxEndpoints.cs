using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore;
using OaiqPixel.EntityFrameworkCore;
using OaiqPixel.Testing;

namespace OaiqPixel.Sandbox;

/// <summary>
/// The development sandbox: a stub pixel SDK, a local Conversions API that validates like the real one, and the
/// <c>/oaiq</c> page that sets both legs side by side. Map it in Development only; every endpoint answers loopback
/// callers only.
/// </summary>
public static class OaiqSandboxEndpoints
{
    private const string SdkResourceName = "OaiqPixel.Sandbox.oaiq-sandbox-sdk.js";
    private const int MaxReportBytes = 256 * 1024;

    private static readonly Lazy<string> s_sdkScript = new(() =>
    {
        using var stream = typeof(OaiqSandbox).Assembly.GetManifestResourceStream(SdkResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {SdkResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>Registers the sandbox's store.</summary>
    public static IServiceCollection AddOaiqSandbox(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OaiqSandbox>();
        services.AddHostedService<SandboxDrainOnStop>();
        return services;
    }

    /// <summary>
    /// Maps <c>{prefix}</c> (the page), <c>{prefix}/sdk.js</c> (the stub SDK, for <c>Oaiq:SdkUrl</c>),
    /// <c>{prefix}/sdk-calls</c> (where the stub reports), <c>{prefix}/v1/events</c> (the Conversions API, for
    /// <c>Oaiq:ConversionsApi:BaseAddress</c> = <c>http://localhost:port{prefix}/</c>), <c>{prefix}/events.json</c> and,
    /// when the app added the transactional outbox, <c>{prefix}/outbox.json</c> (the page shows its records too).
    /// </summary>
    public static RouteGroupBuilder MapOaiqSandbox(this IEndpointRouteBuilder endpoints, string prefix = "/oaiq")
    {
        var group = endpoints.MapGroup(prefix)
            .DisableOaiqTracking()
            .ExcludeFromDescription()
            .AddEndpointFilter(static (context, next) => IsLocal(context.HttpContext) ? next(context) : ValueTask.FromResult<object?>(Results.NotFound()));

        group.MapGet("", static async (HttpContext context, OaiqSandbox sandbox, IOptionsMonitor<OaiqTrackingOptions> options, IServer server) =>
        {
            var outbox = await ReadOutboxAsync(context);
            return Results.Content(SandboxPage.Render(sandbox, options.CurrentValue, ServerAddresses(server), context.Request.PathBase + context.Request.Path, outbox), "text/html; charset=utf-8");
        });

        group.MapGet("sdk.js", static (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Text(s_sdkScript.Value, "text/javascript; charset=utf-8");
        });

        group.MapPost("sdk-calls", ReceiveBrowserCallsAsync);
        group.MapPost("v1/events", ReceiveEventsAsync);

        group.MapGet("events.json", static (OaiqSandbox sandbox) => Results.Json(new
        {
            rows = sandbox.BuildRows(),
            browserCalls = sandbox.BrowserCalls,
            serverEvents = sandbox.ServerEvents,
            rejections = sandbox.Rejections,
        }));

        group.MapGet("outbox.json", static async (HttpContext context) =>
        {
            var outbox = await ReadOutboxAsync(context);
            if (outbox is null)
            {
                return Results.NotFound();
            }

            var snapshot = outbox.Snapshot;
            return Results.Json(new
            {
                error = outbox.Error,
                pendingCount = snapshot?.PendingCount,
                deadLetteredCount = snapshot?.DeadLetteredCount,
                deliveredCount = snapshot?.DeliveredCount,
                pending = snapshot?.Pending.Select(m => new { m.EventId, m.EventType, m.Attempts, m.DueAt, m.LastStatusCode, m.LastError }),
                deadLettered = snapshot?.DeadLettered.Select(m => new { m.EventId, m.EventType, m.Attempts, m.DeadLetteredAt, m.LastStatusCode, m.LastError }),
                recentlyDelivered = snapshot?.RecentlyDelivered,
            });
        });

        group.MapPost("clear", (HttpContext context, OaiqSandbox sandbox) =>
        {
            sandbox.Clear();
            return Results.Redirect(context.Request.PathBase + prefix);
        });

        return group;
    }

    /// <summary>The stub SDK's report: <c>{ pageId, path, calls: [{ command, eventName, eventId, customEventName, dropped, args }] }</c>.</summary>
    private static async Task<IResult> ReceiveBrowserCallsAsync(HttpContext context, OaiqSandbox sandbox)
    {
        var document = await ReadJsonAsync(context.Request, MaxReportBytes, context.RequestAborted);
        if (document is null)
        {
            return Results.BadRequest();
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
            {
                return Results.BadRequest();
            }

            var now = sandbox.TimeProvider.GetUtcNow();
            var pageId = String(root, "pageId") ?? "?";
            var path = String(root, "path");
            var received = new List<SandboxBrowserCall>();
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind != JsonValueKind.Object || String(call, "command") is not { } command)
                {
                    continue;
                }

                received.Add(new SandboxBrowserCall(
                    pageId,
                    path,
                    command,
                    String(call, "eventName"),
                    String(call, "eventId"),
                    String(call, "customEventName"),
                    call.TryGetProperty("dropped", out var dropped) && dropped.ValueKind == JsonValueKind.True,
                    call.TryGetProperty("args", out var args) ? args.GetRawText() : "[]",
                    now,
                    call.TryGetProperty("pixels", out var pixels) && pixels.ValueKind == JsonValueKind.Array
                        ? [.. pixels.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!).Take(64)]
                        : null));
            }

            sandbox.Add(received);
            return Results.NoContent();
        }
    }

    /// <summary>
    /// <c>POST v1/events?pid=…</c> as the real Conversions API: bearer key, <c>pid</c>, and a body that passes the strict
    /// spec validator, or the whole batch is refused with 400 and the first problem found.
    /// </summary>
    private static async Task<IResult> ReceiveEventsAsync(HttpContext context, OaiqSandbox sandbox, IOptionsMonitor<OaiqTrackingOptions> options)
    {
        var current = options.CurrentValue;
        var now = sandbox.TimeProvider.GetUtcNow();
        context.Response.Headers["x-request-id"] = "req_sandbox_" + Guid.NewGuid().ToString("N")[..12];

        var pid = context.Request.Query["pid"].ToString();
        if (string.IsNullOrEmpty(pid))
        {
            return Reject(sandbox, 400, "Missing required query parameter: pid", [], now);
        }

        // Each pixel has its own key (Oaiq:Pixels, or the app's pixel resolver), the shared one by default.
        if (FindPixel(context, current, pid) is not { } pixel)
        {
            return Reject(sandbox, 400, $"pid '{pid}' is not one of this app's pixels (Oaiq:PixelId, Oaiq:Pixels or its pixel resolver)", [], now);
        }

        var expectedKey = string.IsNullOrEmpty(pixel.ApiKey) ? current.ConversionsApi.ApiKey : pixel.ApiKey;
        if (string.IsNullOrEmpty(expectedKey) || !string.Equals(context.Request.Headers.Authorization.ToString(), "Bearer " + expectedKey, StringComparison.Ordinal))
        {
            return Reject(sandbox, 401, "You have insufficient permissions for this operation. Missing scopes: ads.third_party_events.write. (sandbox: send 'Authorization: Bearer <the pixel's ApiKey or Oaiq:ConversionsApi:ApiKey>')", [], now);
        }

        using var document = await ReadJsonAsync(context.Request, 8 * 1024 * 1024, context.RequestAborted);
        if (document is null)
        {
            return Reject(sandbox, 400, "Request body must be JSON", [], now);
        }

        var body = document.RootElement;
        var events = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("events", out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().ToList()
            : [];
        var error = ConversionsRequestValidator.Validate(body, now);
        if (error is not null)
        {
            return Reject(sandbox, 400, error, events, now);
        }

        var validateOnly = body.TryGetProperty("validate_only", out var flag) && flag.ValueKind == JsonValueKind.True;
        sandbox.Add(events.Select(e => new SandboxServerEvent(
            e.GetProperty("id").GetString()!,
            e.GetProperty("type").GetString()!,
            String(e, "custom_event_name"),
            String(e, "oppref"),
            String(e, "source_url"),
            validateOnly,
            e.GetRawText(),
            now,
            pid)).ToList());
        return Results.Json(new { events_received = events.Count, validate_only = validateOnly });
    }

    /// <summary>The outbox's records, or <see langword="null"/> when the app has no outbox; a database error is shown, not thrown.</summary>
    private static async Task<SandboxOutbox?> ReadOutboxAsync(HttpContext context)
    {
        if (context.RequestServices.GetService<IOaiqOutbox>() is not { } outbox)
        {
            return null;
        }

        try
        {
            return new SandboxOutbox(await outbox.GetSnapshotAsync(20, context.RequestAborted), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new SandboxOutbox(null, ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static IResult Reject(OaiqSandbox sandbox, int status, string message, List<JsonElement> events, DateTimeOffset now)
    {
        sandbox.Add(new SandboxRejection(status, message, events.Count, [.. events.Select(e => String(e, "id")).OfType<string>()], now));
        return Results.Json(new { error = new { message, type = status == 401 ? "permission_error" : "invalid_request_error" } }, statusCode: status);
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            return JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }
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

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static bool IsLocal(HttpContext context)
    {
        // In-process test hosts have no remote address; everything else must come from this machine.
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return true;
        }

        return IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }

    private static List<string> ServerAddresses(IServer server) =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
