using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;

namespace OaiqPixel.Sandbox;

/// <summary>What the sandbox's endpoints share: a bounded JSON body, the page's own form, a string property, whether the caller is this machine.</summary>
internal static class SandboxRequests
{
    /// <summary>
    /// The page's own form with its antiforgery token (its Clear and Replay buttons), or <see langword="null"/>: no token,
    /// a body that is no form, or a form past the server's limits — the caller's error (400), never the page's (500).
    /// </summary>
    public static async Task<IFormCollection?> ReadPageFormAsync(HttpContext context, IAntiforgery antiforgery)
    {
        try
        {
            return context.Request.HasFormContentType && await antiforgery.IsRequestValidAsync(context)
                ? await context.Request.ReadFormAsync(context.RequestAborted)
                : null;
        }
        catch (Exception ex) when (ex is InvalidDataException or AntiforgeryValidationException or BadHttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The body as JSON, or <see langword="null"/> when it is larger than <paramref name="maxBytes"/> or not JSON.</summary>
    public static async Task<JsonDocument?> ReadJsonAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
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

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static bool IsLocal(HttpContext context)
    {
        // In-process test hosts have no remote address; everything else must come from this machine.
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return true;
        }

        return IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }
}
