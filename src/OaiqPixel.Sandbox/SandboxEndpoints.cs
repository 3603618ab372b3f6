using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.Diagnostics;

namespace OaiqPixel.Sandbox;

/// <summary>
/// The development page's endpoints (mapped by <c>MapOaiqSandbox</c>, which decides who may call them): the page, the
/// stub SDK and where it reports, the local Conversions API (<see cref="SandboxConversionsApi"/>), the JSON views and
/// the Clear and Replay actions.
/// </summary>
internal static class SandboxEndpoints
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

    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, string prefix, string? authorizationPolicy)
    {
        var group = endpoints.MapGroup(prefix)
            .DisableOaiqTracking()
            .ExcludeFromDescription();

        // The app's own sender calls the local API: from this machine, with the key; never through the app's sign-in.
        group.MapPost("v1/events", SandboxConversionsApi.ReceiveAsync).AllowAnonymous().AddEndpointFilter(LoopbackOnly);

        var page = group.MapGroup(string.Empty);
        if (authorizationPolicy is null)
        {
            page.AddEndpointFilter(LoopbackOnly);
        }
        else
        {
            page.RequireAuthorization(authorizationPolicy);
        }

        page.MapGet(string.Empty, RenderPageAsync);

        page.MapGet("sdk.js", static (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Text(s_sdkScript.Value, "text/javascript; charset=utf-8");
        });

        page.MapPost("sdk-calls", ReceiveBrowserCallsAsync);
        page.MapGet(SandboxSupportBundle.Path, SandboxSupportBundle.GetAsync);

        page.MapGet("events.json", static (OaiqSandbox sandbox) => Results.Json(new
        {
            rows = sandbox.BuildRows(),
            browserCalls = sandbox.BrowserCalls,
            serverEvents = sandbox.ServerEvents,
            rejections = sandbox.Rejections,
        }));

        page.MapGet("outbox.json", static async (HttpContext context) =>
        {
            var stores = await SandboxStores.ReadAsync(context);
            return stores.Count == 0 ? Results.NotFound() : Results.Json(stores.Select(s => new
            {
                id = s.Id,
                name = s.Name,
                error = s.Error,
                pendingCount = s.Snapshot?.PendingCount,
                deadLetteredCount = s.Snapshot?.DeadLetteredCount,
                deliveredCount = s.Snapshot?.DeliveredCount,
                pending = s.Snapshot?.Pending,
                deadLettered = s.Snapshot?.DeadLettered,
                recentlyDelivered = s.Snapshot?.RecentlyDelivered,
            }));
        });

        page.MapPost("replay", SandboxReplay.ReplayAsync);

        page.MapPost("clear", static async (HttpContext context, OaiqSandbox sandbox, IAntiforgery antiforgery) =>
        {
            // Clearing changes state: only the page's own form, with its token, may do it.
            if (await SandboxRequests.ReadPageFormAsync(context, antiforgery) is null)
            {
                return Results.BadRequest("The sandbox's Clear needs the page's antiforgery token: use the Clear button on the page.");
            }

            sandbox.Clear();
            return Results.Redirect(context.Request.PathBase + context.Request.Path.Value![..^"/clear".Length]);
        });

        return group;
    }

    private static async Task<IResult> RenderPageAsync(HttpContext context, OaiqSandbox sandbox, IOptionsMonitor<OaiqTrackingOptions> options, IServer server, IAntiforgery antiforgery)
    {
        var stores = await SandboxStores.ReadAsync(context);
        var tokens = antiforgery.GetAndStoreTokens(context);
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var html = SandboxPage.Render(sandbox, options.CurrentValue, addresses, context.Request.PathBase + context.Request.Path, stores, tokens, SandboxReplay.Targets(context));
        html = SandboxVerificationPanel.AddTo(html, context.RequestServices.GetService<OaiqPixel.AspNetCore.Verification.IOaiqVerification>());
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>The stub SDK's report: <c>{ pageId, path, calls: [{ command, eventName, eventId, customEventName, dropped, args, pixels }] }</c>.</summary>
    private static async Task<IResult> ReceiveBrowserCallsAsync(HttpContext context, OaiqSandbox sandbox)
    {
        using var document = await SandboxRequests.ReadJsonAsync(context.Request, MaxReportBytes, context.RequestAborted);
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root || !root.TryGetProperty("calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
        {
            return Results.BadRequest();
        }

        var now = sandbox.TimeProvider.GetUtcNow();
        var pageId = SandboxRequests.String(root, "pageId") ?? "?";
        var path = SandboxRequests.String(root, "path");
        var received = new List<SandboxBrowserCall>();
        foreach (var call in calls.EnumerateArray())
        {
            if (call.ValueKind != JsonValueKind.Object || SandboxRequests.String(call, "command") is not { } command)
            {
                continue;
            }

            received.Add(new SandboxBrowserCall(
                pageId,
                path,
                command,
                SandboxRequests.String(call, "eventName"),
                SandboxRequests.String(call, "eventId"),
                SandboxRequests.String(call, "customEventName"),
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

    private static ValueTask<object?> LoopbackOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        SandboxRequests.IsLocal(context.HttpContext) ? next(context) : ValueTask.FromResult<object?>(Results.NotFound());
}
