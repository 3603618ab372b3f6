using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace OaiqPixel.AspNetCore.Internal;

/// <summary>
/// The Post/Redirect/Get carrier: the browser leg of events recorded in a response that rendered no pixel, kept in a
/// data-protected, size-bounded, short-lived cookie until the next page with <c>&lt;oaiq-pixel /&gt;</c>.
/// </summary>
/// <remarks>
/// A carrier renders its events at most once per process: a consumed cookie is remembered (by a hash) for the carrier's
/// lifetime, so a captured cookie sent again renders nothing. Across a web farm a replay to another instance within the
/// lifetime can still render once there; the ids are the same, so the API deduplicates them.
/// Only what <c>measure</c> needs is stored (name, custom name, id, time, opt_out and the pixel fields of the data), in a
/// compact JSON written with <see cref="Utf8JsonWriter"/>; the expiry lives inside the protected payload, so an old or
/// altered cookie is ignored however its attributes were changed.
/// </remarks>
internal sealed class PixelCarrier
{
    public const string Purpose = "OaiqPixel.AspNetCore.PixelCarrier.v1";

    /// <summary>The largest cookie value written; browsers allow about 4 KB per cookie including other cookies' headroom.</summary>
    public const int MaxCookieLength = 3072;

    /// <summary>How long a carrier lives.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>The most consumed carriers remembered at once; past it (after pruning expired ones) replays are no longer refused.</summary>
    public const int MaxRemembered = 100_000;

    private readonly IDataProtector _protector;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<UInt128, long> _consumed = new();

    // ConcurrentDictionary.Count takes every bucket lock; an own counter keeps the per-consume check cheap.
    private int _size;
    private long _nextSweep;

    public PixelCarrier(IDataProtectionProvider provider, TimeProvider time)
    {
        _protector = provider.CreateProtector(Purpose);
        _time = time;
    }

    /// <summary>Protects the events; returns <see langword="null"/> with the size when the result is over the limit.</summary>
    public string? Protect(IReadOnlyList<ConversionEvent> events, out int size)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("x", (_time.GetUtcNow() + Lifetime).ToUnixTimeMilliseconds());
            json.WriteStartArray("e");
            foreach (var e in events)
            {
                WriteEvent(json, e);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        var value = WebEncoders.Base64UrlEncode(_protector.Protect(buffer.WrittenSpan.ToArray()));
        size = value.Length;
        return value.Length <= MaxCookieLength ? value : null;
    }

    /// <summary>Reads a carrier cookie; <see langword="null"/> with a reason when it is unreadable, altered or expired.</summary>
    public IReadOnlyList<ConversionEvent>? Unprotect(string cookieValue, out string? reason)
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
            if (DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("x").GetInt64()) <= _time.GetUtcNow())
            {
                reason = "it has expired";
                return null;
            }

            var events = new List<ConversionEvent>();
            foreach (var item in root.GetProperty("e").EnumerateArray())
            {
                events.Add(ReadEvent(item));
            }

            reason = null;
            return events;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException or FormatException)
        {
            reason = "its payload is not understood";
            return null;
        }
    }

    /// <summary>Whether this carrier cookie was already rendered on a page (and is still within its lifetime).</summary>
    public bool IsConsumed(string cookieValue) =>
        _consumed.TryGetValue(Key(cookieValue), out var until) && until > _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Claims the carrier for rendering: <see langword="true"/> for the first caller only.</summary>
    public bool TryConsume(string cookieValue)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
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

    private static void WriteEvent(Utf8JsonWriter json, ConversionEvent e)
    {
        json.WriteStartObject();
        json.WriteString("n", e.Event.Name);
        if (e.Event.CustomEventName is { } custom)
        {
            json.WriteString("c", custom);
        }

        json.WriteString("i", e.Id);
        json.WriteNumber("t", e.Timestamp.ToUnixTimeMilliseconds());
        if (e.OptOut)
        {
            json.WriteBoolean("o", true);
        }

        var data = e.Event.Data;
        json.WriteStartObject("d");
        WriteMoney(json, data.Amount);
        var planId = data switch
        {
            PlanEnrollmentData p => p.PlanId,
            CustomData c => c.PlanId,
            _ => null,
        };
        if (planId is not null)
        {
            json.WriteString("p", planId);
        }

        var contents = data switch
        {
            ContentsData c => c.Contents,
            PlanEnrollmentData p => p.Contents,
            CustomData c => c.Contents,
            _ => [],
        };
        if (contents.Count > 0)
        {
            json.WriteStartArray("c");
            foreach (var content in contents)
            {
                json.WriteStartObject();
                WriteOptional(json, "i", content.Id);
                WriteOptional(json, "n", content.Name);
                WriteOptional(json, "t", content.ContentType);
                if (content.Quantity is { } quantity)
                {
                    json.WriteNumber("q", quantity);
                }

                WriteMoney(json, content.Amount);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static ConversionEvent ReadEvent(JsonElement item)
    {
        var name = item.GetProperty("n").GetString()!;
        var custom = item.TryGetProperty("c", out var c) ? c.GetString() : null;
        var id = item.GetProperty("i").GetString()!;
        var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(item.GetProperty("t").GetInt64());
        var optOut = item.TryGetProperty("o", out var o) && o.GetBoolean();

        var d = item.GetProperty("d");
        var amount = ReadMoney(d);
        var planId = d.TryGetProperty("p", out var p) ? p.GetString() : null;
        var contents = new List<Content>();
        if (d.TryGetProperty("c", out var list))
        {
            foreach (var entry in list.EnumerateArray())
            {
                contents.Add(new Content
                {
                    Id = ReadOptional(entry, "i"),
                    Name = ReadOptional(entry, "n"),
                    ContentType = ReadOptional(entry, "t"),
                    Quantity = entry.TryGetProperty("q", out var q) ? q.GetInt32() : null,
                    Amount = ReadMoney(entry),
                });
            }
        }

        if (!OaiqEventNames.TryGetDataType(name, out var shape))
        {
            throw new FormatException("Unknown event name.");
        }

        EventData data = shape switch
        {
            EventDataType.Contents => new ContentsData { Amount = amount, Contents = contents },
            EventDataType.CustomerAction => new CustomerActionData { Amount = amount },
            EventDataType.PlanEnrollment => new PlanEnrollmentData { Amount = amount, PlanId = planId, Contents = contents },
            _ => new CustomData { Amount = amount, PlanId = planId, Contents = contents },
        };

        return new ConversionEvent(OaiqEvent.Create(name, data, custom), id, timestamp) { OptOut = optOut };
    }

    private static void WriteMoney(Utf8JsonWriter json, Money? money)
    {
        if (money is { } m)
        {
            json.WriteNumber("a", m.MinorUnits);
            json.WriteString("u", m.Currency);
        }
    }

    private static Money? ReadMoney(JsonElement element) =>
        element.TryGetProperty("a", out var a) ? Money.FromMinorUnits(a.GetInt64(), element.GetProperty("u").GetString()!) : null;

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string? ReadOptional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetString() : null;
}
