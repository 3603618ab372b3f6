using Microsoft.AspNetCore.Antiforgery;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.Diagnostics;

namespace OaiqPixel.Sandbox;

/// <summary>
/// The page's Replay buttons (<c>POST {prefix}/replay</c>): a store's dead letters sent again, all or one pixel's, each to
/// its own pixel or to one of the app's configured pixels (after a wrong <c>Oaiq:PixelId</c> was fixed). Only the page's
/// own form, with its antiforgery token, may do it; the outcome is shown at the top of the page.
/// </summary>
internal static class SandboxReplay
{
    /// <summary>
    /// What the page offers to re-aim dead letters at: the app's pixels as its pixel resolver names them for the page's
    /// request (without a resolver of the app's: <c>Oaiq:PixelId</c>, then <c>Oaiq:Pixels</c>), which its
    /// <c>FindPixel</c> knows, so the replay's check accepts them. None when the resolver throws: the page still renders.
    /// </summary>
    public static IReadOnlyList<string> Targets(HttpContext context)
    {
        try
        {
            return [.. context.RequestServices.GetRequiredService<IOaiqPixelResolver>().GetPixels(context).Select(p => p?.PixelId).OfType<string>().Distinct(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return [];
        }
    }

    public static async Task<IResult> ReplayAsync(HttpContext context, OaiqSandbox sandbox, IAntiforgery antiforgery)
    {
        // Replaying sends events: only the page's own form, with its token, may do it.
        if (await SandboxRequests.ReadPageFormAsync(context, antiforgery) is not { } form)
        {
            return Results.BadRequest("The sandbox's Replay needs the page's own form with its antiforgery token: use a Replay button on the page.");
        }

        var storeId = form["store"].ToString();
        var inspector = SandboxStores.Inspectors(context.RequestServices).FirstOrDefault(s => s.Id == storeId).Inspector;
        var pixelId = NullIfEmpty(form["pixel"].ToString());
        var toPixelId = NullIfEmpty(form["toPixel"].ToString());
        if (inspector is null)
        {
            return Results.BadRequest("No such store on the sandbox page.");
        }

        var request = new OaiqReplayRequest { PixelId = pixelId, ToPixelId = toPixelId };
        try
        {
            var result = await inspector.ReplayDeadLettersAsync(request, context.RequestAborted);
            sandbox.NoteReplay($"{inspector.Name}: dead letters of {pixelId ?? "every pixel"} to {toPixelId ?? "each its own pixel"}: {result}.");
        }
        catch (ArgumentException ex) when (ex.ParamName == nameof(request))
        {
            // The stores' one check of where dead letters may be re-aimed (OaiqReplayRequest.ThrowIfUnknownTarget).
            return Results.BadRequest("Dead letters are re-aimed at one of the app's configured pixels (Oaiq:PixelId, Oaiq:Pixels).");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            sandbox.NoteReplay($"{inspector.Name}: the replay failed: {ex.GetType().Name}: {ex.Message}");
        }

        return Results.Redirect(context.Request.PathBase + context.Request.Path.Value![..^"/replay".Length]);
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
