using System.Security.Cryptography;
using OaiqPixel.Text;

namespace OaiqPixel;

/// <summary>Creates and checks event ids, the key that deduplicates the pixel and Conversions API copies of an event.</summary>
public static class EventIds
{
    /// <summary>The longest event id this library accepts.</summary>
    /// <remarks>OpenAI documents no limit; ids travel in pages, cookies and logs, so a generous bound keeps them cheap.</remarks>
    public const int MaxLength = 256;

    private const string Prefix = "evt_";
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    private const int RandomBlockSize = 1024;

    // One call to the OS CSPRNG costs about a microsecond whatever the size: draw a block per thread and hand it out
    // 16 bytes at a time (each byte is used once).
    [ThreadStatic]
    private static byte[]? t_randomBlock;

    [ThreadStatic]
    private static int t_randomOffset;

    /// <summary>
    /// Creates a new opaque event id such as <c>evt_5w1kq3…</c>: 128 random bits in lowercase Crockford base32,
    /// URL-safe, unique, and carrying no personal data (safe even in an image-tag URL).
    /// </summary>
    /// <returns>A fresh id of 30 characters.</returns>
    public static string New()
    {
        var random = NextRandom16();
        var state = (High: BitConverter.ToUInt64(random[..8]), Low: BitConverter.ToUInt64(random[8..]));
        return string.Create(Prefix.Length + 26, state, static (span, bits) =>
        {
            Prefix.AsSpan().CopyTo(span);
            var output = span[Prefix.Length..];
            // 128 bits -> 26 base32 digits (130 bits, the top two always zero).
            var (high, low) = bits;
            for (var i = output.Length - 1; i >= 0; i--)
            {
                output[i] = Alphabet[(int)(low & 31)];
                low = (low >> 5) | (high << 59);
                high >>= 5;
            }
        });
    }

    private static ReadOnlySpan<byte> NextRandom16()
    {
        var block = t_randomBlock;
        var offset = t_randomOffset;
        if (block is null || offset + 16 > block.Length)
        {
            block = t_randomBlock ??= new byte[RandomBlockSize];
            RandomNumberGenerator.Fill(block);
            offset = 0;
        }

        t_randomOffset = offset + 16;
        return block.AsSpan(offset, 16);
    }

    /// <summary>Checks a caller-supplied event id.</summary>
    /// <param name="id">The candidate id, for example <c>order_42</c>.</param>
    /// <param name="error">Why the id is refused, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the id can be used.</returns>
    /// <remarks>An id must be 1–256 characters with no white space or control characters.</remarks>
    public static bool TryValidate(string? id, out string? error)
    {
        error = Check(id);
        return error is null;
    }

    /// <summary>Throws when a caller-supplied event id cannot be used.</summary>
    /// <param name="id">The candidate id.</param>
    /// <param name="paramName">The parameter to name in the exception.</param>
    /// <returns>The id.</returns>
    /// <exception cref="ArgumentException">The id is empty, too long, or contains white space or control characters.</exception>
    public static string Validate(string? id, string paramName = "eventId")
    {
        var error = Check(id);
        return error is null ? id! : throw new ArgumentException(error, paramName);
    }

    private static string? Check(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "An event id must be non-empty; pass null to have one generated.";
        }

        if (id.Length > MaxLength)
        {
            return $"An event id is limited to {MaxLength} characters; this one has {id.Length}.";
        }

        if (TextChecks.HasWhiteSpaceOrControl(id))
        {
            return "An event id must not contain white space or control characters.";
        }

        if (TextChecks.HasLoneSurrogate(id))
        {
            return "An event id must be valid UTF-16 text (it contains a lone surrogate).";
        }

        return null;
    }
}
