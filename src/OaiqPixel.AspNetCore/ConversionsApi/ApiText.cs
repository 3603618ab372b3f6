using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Makes text an OpenAI API answered with (a Conversions API error message, the events stream's error code and message,
/// a request id header) safe for one log line and a page: the key redacted, then every control character (C0, C1, DEL),
/// line or paragraph separator (U+2028, U+2029) and invisible format character (bidi overrides, zero-width marks)
/// replaced by a space, then trimmed and cut. The API's text is not ours: a CR/LF in it would otherwise forge log lines.
/// </summary>
internal static class ApiText
{
    /// <summary>What a key quoted by the API becomes.</summary>
    public const string Redacted = "[redacted]";

    /// <summary>The text made safe, or <see langword="null"/> for <see langword="null"/>.</summary>
    /// <param name="text">The API's text, as it came.</param>
    /// <param name="key">The key the request carried, replaced wherever the text quotes it; <see langword="null"/> for none.</param>
    /// <param name="maxLength">The most characters kept (then an ellipsis), 1 or more.</param>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? ForLog(string? text, string? key, int maxLength)
    {
        if (text is null)
        {
            return null;
        }

        // Redacted before it is flattened or cut: a key straddling the cut would otherwise keep its first characters.
        var redacted = string.IsNullOrEmpty(key) ? text : text.Replace(key, Redacted, StringComparison.Ordinal);
        var flat = !HasUnsafe(redacted) ? redacted : Flatten(redacted);
        var trimmed = flat.Trim();
        if (trimmed.Length <= maxLength)
        {
            return trimmed;
        }

        // Never split a surrogate pair: half of one is not text.
        var cut = char.IsHighSurrogate(trimmed[maxLength - 1]) ? maxLength - 1 : maxLength;
        return string.Concat(trimmed.AsSpan(0, cut), "…");
    }

    private static bool HasUnsafe(string text)
    {
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string Flatten(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = IsUnsafe(source[i]) ? ' ' : source[i];
        }
    });

    private static bool IsUnsafe(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.LineSeparator
        or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format;
}
