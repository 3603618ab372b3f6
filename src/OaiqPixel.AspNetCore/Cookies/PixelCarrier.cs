using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace OaiqPixel.AspNetCore.Cookies;

/// <summary>
/// The Post/Redirect/Get carrier: the browser leg of events recorded in a response that rendered no pixel, kept in a
/// data-protected, size-bounded, short-lived cookie until the next page with <c>&lt;oaiq-pixel /&gt;</c>.
/// </summary>
/// <remarks>
/// A carrier renders its events at most once per process: a consumed cookie is remembered (by a hash) for the carrier's
/// lifetime, so a captured cookie sent again renders nothing. Across a web farm a replay to another instance within the
/// lifetime can still render once there; the ids are the same, so the API deduplicates them.
/// It holds the pixel calls themselves (each <c>measure</c> or <c>measureSingle</c> call's arguments as the pixel script writer wrote them, a JSON
/// array safe inside a script), so a carried event renders exactly as it would have on its own page; the expiry lives
/// inside the protected payload, so an old or altered cookie is ignored however its attributes were changed.
/// </remarks>
internal sealed class PixelCarrier(IDataProtectionProvider provider, TimeProvider time)
{
    public const string Purpose = "OaiqPixel.AspNetCore.PixelCarrier.v2";

    /// <summary>The largest cookie value written; browsers allow about 4 KB per cookie including other cookies' headroom.</summary>
    public const int MaxCookieLength = 3072;

    /// <summary>How long a carrier lives.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>The most consumed carriers remembered at once; past it (after pruning expired ones) replays are no longer refused.</summary>
    public const int MaxRemembered = 100_000;

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);
    private readonly ConcurrentDictionary<UInt128, long> _consumed = new();

    // ConcurrentDictionary.Count takes every bucket lock; an own counter keeps the per-consume check cheap.
    private int _size;
    private long _nextSweep;

    /// <summary>Protects pixel calls (each a JSON array of <c>measure</c> arguments); returns <see langword="null"/> with the size when the result is over the limit.</summary>
    public string? Protect(IReadOnlyList<ReadOnlyMemory<byte>> calls, out int size)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("x", (time.GetUtcNow() + Lifetime).ToUnixTimeMilliseconds());
            json.WriteStartArray("e");
            foreach (var call in calls)
            {
                json.WriteRawValue(call.Span, skipInputValidation: true);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        var value = WebEncoders.Base64UrlEncode(_protector.Protect(buffer.WrittenSpan.ToArray()));
        size = value.Length;
        return value.Length <= MaxCookieLength ? value : null;
    }

    /// <summary>Reads a carrier cookie's pixel calls; <see langword="null"/> with a reason when it is unreadable, altered or expired.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? Unprotect(string cookieValue, out string? reason)
    {
        if (cookieValue.Length > MaxCookieLength * 2)
        {
            reason = "it is too long";
            return null;
        }

        byte[] payload;
        try
        {
            payload = _protector.Unprotect(WebEncoders.Base64UrlDecode(cookieValue));
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
        {
            reason = "it is not a valid protected payload (altered, or from other keys)";
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("x").GetInt64()) <= time.GetUtcNow())
            {
                reason = "it has expired";
                return null;
            }

            var calls = new List<ReadOnlyMemory<byte>>();
            foreach (var item in root.GetProperty("e").EnumerateArray())
            {
                // Authenticated, so written by this app; still, only a measure call is ever rendered from it.
                if (item.ValueKind != JsonValueKind.Array || !IsMeasureCall(item))
                {
                    throw new FormatException("Not a measure call.");
                }

                calls.Add(Encoding.UTF8.GetBytes(item.GetRawText()));
            }

            reason = null;
            return calls;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException or FormatException)
        {
            reason = "its payload is not understood";
            return null;
        }
    }

    /// <summary>Whether this carrier cookie was already rendered on a page (and is still within its lifetime).</summary>
    public bool IsConsumed(string cookieValue) =>
        _consumed.TryGetValue(Key(cookieValue), out var until) && until > time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Claims the carrier for rendering: <see langword="true"/> for the first caller only.</summary>
    public bool TryConsume(string cookieValue)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (Volatile.Read(ref _size) >= MaxRemembered)
        {
            // Sweep at most once a second: under a flood of live carriers a sweep per request would cost O(n) each.
            var next = Interlocked.Read(ref _nextSweep);
            if (now >= next && Interlocked.CompareExchange(ref _nextSweep, now + 1000, next) == next)
            {
                foreach (var (key, until) in _consumed)
                {
                    if (until <= now && _consumed.TryRemove(key, out _))
                    {
                        Interlocked.Decrement(ref _size);
                    }
                }
            }

            if (Volatile.Read(ref _size) >= MaxRemembered)
            {
                return true; // bounded memory first; the API still deduplicates a replayed id
            }
        }

        if (!_consumed.TryAdd(Key(cookieValue), now + (long)Lifetime.TotalMilliseconds))
        {
            return false;
        }

        Interlocked.Increment(ref _size);
        return true;
    }

    private static UInt128 Key(string cookieValue)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(cookieValue), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    /// <summary>
    /// <c>["measure", name, data, options?]</c>, or <c>["measureSingle", pixelId, name, data, options?]</c> (spec §1.7): the
    /// target pixel travels with the event; or <c>["dataLayer", push, …]</c>, each push an object
    /// (<see cref="OaiqBrowserLeg.DataLayer"/>).
    /// </summary>
    private static bool IsMeasureCall(JsonElement item) =>
        item[0].ValueEquals("measure") ? item.GetArrayLength() is 3 or 4
        : item[0].ValueEquals("measureSingle") ? item.GetArrayLength() is 4 or 5 && item[1].ValueKind == JsonValueKind.String
        : item[0].ValueEquals("dataLayer") && item.GetArrayLength() > 1 && item.EnumerateArray().Skip(1).All(static p => p.ValueKind == JsonValueKind.Object);
}
