using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.ServerViews;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Components;

/// <summary>
/// Carries a <see cref="VisitorContext"/> from the request that rendered a page to the interactive circuit running on it:
/// <c>&lt;OaiqPixel /&gt;</c> writes it into the page's pixel data, data-protected (authenticated encryption, so a page
/// script can neither read nor forge it) and time-limited; the circuit reads it back through the Blazor module.
/// </summary>
internal sealed class VisitorTokens
{
    private const string Purpose = "OaiqPixel.AspNetCore.VisitorContext.v1";

    /// <summary>How long a page's visitor context stays usable by a circuit on that page.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    /// <summary>How long a token is handed out again to the same visitor context (it then has at least 11 hours left).</summary>
    public static readonly TimeSpan ReuseFor = TimeSpan.FromHours(1);

    // Bounds the reuse table; when full it starts again (each visitor then pays one protection more).
    private const int MaxReused = 1024;

    private readonly ITimeLimitedDataProtector _protector;
    private readonly bool _excludeBots;
    private readonly TimeProvider _time;

    // A visitor's pages carry the same context: protecting it costs a Data Protection call (about 7 KB and the page's
    // largest share of time), so the token made for one page is reused for that exact context — keyed by the whole
    // payload, never a hash of it — for ReuseFor.
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Issued)> _issued = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Issued)>.AlternateLookup<ReadOnlySpan<char>> _issuedByPayload;

    public VisitorTokens(IDataProtectionProvider dataProtection, IOptions<OaiqTrackingOptions> options, IServiceProviderIsService? services = null, TimeProvider? time = null)
    {
        _protector = dataProtection.CreateProtector(Purpose).ToTimeLimitedDataProtector();
        _excludeBots = options.Value.ServerViews?.ExcludeBots ?? true;
        _time = time ?? TimeProvider.System;
        _issuedByPayload = _issued.GetAlternateLookup<ReadOnlySpan<char>>();

        // AddInteractiveServerComponents registers ProtectedLocalStorage: without it no circuit ever reads the context,
        // and a page need not carry it.
        ForPages = services?.IsService(typeof(ProtectedLocalStorage)) ?? true ? Protect : null;
    }

    /// <summary><see cref="Protect"/> when the app can run interactive server circuits, so its pages carry the visitor context; else <see langword="null"/>: made once.</summary>
    public Func<OaiqTrackingContext, string?>? ForPages { get; }

    /// <summary>Protects the request's visitor context.</summary>
    public string Protect(OaiqTrackingContext tracking)
    {
        var request = tracking.HttpContext.Request;
        var userAgent = request.Headers.UserAgent.Count == 1 ? request.Headers.UserAgent[0] : null;
        var rented = PixelScriptBuffer.Rent();
        char[]? chars = null;
        try
        {
            var json = rented.Json;
            json.WriteStartObject();
            WriteIfSet(json, "o", tracking.Oppref);
            WriteIfSet(json, "b", tracking.Obref);
            json.WriteNumber("c", (int)tracking.Consent);
            WriteIfSet(json, "i", tracking.HttpContext.Connection.RemoteIpAddress?.ToString());
            WriteIfSet(json, "u", userAgent);
            WriteIfSet(json, "s", OaiqFeatureSwitches.IsConversionsApiSupported && _excludeBots && BotUserAgents.IsBot(userAgent) ? DropReason.Bot : null);
            json.WriteStartArray("p");
            foreach (var pixelId in tracking.PixelIds)
            {
                json.WriteStringValue(pixelId);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();

            // Looked up by the payload's characters, without making a string of them unless a token is made.
            var payload = rented.Buffer.WrittenSpan;
            chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(payload.Length));
            var key = chars.AsSpan(0, Encoding.UTF8.GetChars(payload, chars));
            var now = _time.GetUtcNow();
            if (_issuedByPayload.TryGetValue(key, out var issued) && now - issued.Issued < ReuseFor && now >= issued.Issued)
            {
                return issued.Token;
            }

            var token = WebEncoders.Base64UrlEncode(_protector.Protect(payload.ToArray(), now + Lifetime));
            if (_issued.Count >= MaxReused)
            {
                _issued.Clear();
            }

            _issued[new string(key)] = (token, now);
            return token;
        }
        finally
        {
            PixelScriptBuffer.Return(rented);
            if (chars is not null)
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }
    }

    /// <summary>Reads a page's visitor context; <see langword="null"/> with a reason when it is altered, from other keys or expired.</summary>
    public VisitorContext? Unprotect(string token, out string? reason)
    {
        byte[] payload;
        try
        {
            payload = _protector.Unprotect(WebEncoders.Base64UrlDecode(token), out _);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            reason = "it is altered, expired or protected with other keys";
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            reason = null;
            return new VisitorContext(
                Read(root, "o"),
                Read(root, "b"),
                (OaiqConsent)root.GetProperty("c").GetInt32(),
                Read(root, "i"),
                Read(root, "u"),
                Read(root, "s"))
            {
                PixelIds = ReadPixels(root),
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            reason = "its payload is not understood";
            return null;
        }
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>The page's pixels; none from a token written before pixels were carried (its events go to the configured pixels).</summary>
    private static string[] ReadPixels(JsonElement root)
    {
        if (!root.TryGetProperty("p", out var pixels) || pixels.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. pixels.EnumerateArray().Select(static pixel => pixel.GetString() ?? throw new InvalidOperationException("A pixel id is not a string."))];
    }

    private static string? Read(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.GetString() : null;
}
