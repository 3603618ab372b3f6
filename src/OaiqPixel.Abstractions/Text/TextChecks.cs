using System.Buffers;
using System.Text;

namespace OaiqPixel.Text;

internal static class TextChecks
{
    /// <summary>A lone surrogate cannot be encoded as UTF-8, so it would break both wire formats.</summary>
    public static bool HasLoneSurrogate(string value)
    {
        // Surrogates are rare in what we check (ids, URLs, user agents): a vectorized search skips to the first one.
        var first = value.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0)
        {
            return false;
        }

        // A lone surrogate is what Rune decoding refuses (InvalidData, or NeedMoreData for a high one at the end).
        var rest = value.AsSpan(first);
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var consumed) != OperationStatus.Done)
            {
                return true;
            }

            rest = rest[consumed..];
        }

        return false;
    }

    /// <summary>
    /// Whether the text is printable ASCII only (<c>!</c> to <c>~</c>): no white space, control character or surrogate,
    /// which most ids and URLs are, so the per-character Unicode checks can be skipped.
    /// </summary>
    public static bool IsPrintableAscii(ReadOnlySpan<char> value) => value.IndexOfAnyExceptInRange('!', '~') < 0;

    /// <summary>Whether the text holds white space or a control character (<see cref="char.IsWhiteSpace(char)"/>, <see cref="char.IsControl(char)"/>).</summary>
    public static bool HasWhiteSpaceOrControl(string value)
    {
        if (IsPrintableAscii(value))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>At most <paramref name="maxLength"/> characters of an untrusted value for a message, control characters as <c>?</c>.</summary>
    public static string Printable(string value, int maxLength)
    {
        var shortened = value.Length > maxLength ? value[..maxLength] + "…" : value;
        return new string(shortened.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }

    /// <summary>Whether the text holds a control character (<see cref="char.IsControl(char)"/>: U+0000–U+001F, U+007F–U+009F).</summary>
    public static bool HasControl(ReadOnlySpan<char> value) =>
        value.IndexOfAnyInRange('\u0000', '\u001F') >= 0 || value.IndexOfAnyInRange('\u007F', '\u009F') >= 0;
}
