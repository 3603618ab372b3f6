namespace OaiqPixel.Text;

/// <summary>
/// White space as ECMAScript defines it (its WhiteSpace and LineTerminator productions, what <c>String.prototype.trim</c>
/// removes and <c>\s</c> matches), so values are trimmed and stripped as the browser SDK does before hashing (spec §4.5).
/// </summary>
/// <remarks>
/// It differs from <see cref="char.IsWhiteSpace(char)"/> in two code points: U+FEFF (the byte order mark) is white space
/// to ECMAScript and not to .NET, U+0085 (next line) the other way round. Every other member is the same: tab, line
/// feed, vertical tab, form feed, carriage return, U+2028, U+2029 and the Space_Separator category.
/// </remarks>
internal static class EcmaScriptWhiteSpace
{
    private const char ByteOrderMark = '\uFEFF';
    private const char NextLine = '\u0085';

    /// <summary>Whether <paramref name="c"/> is ECMAScript white space or a line terminator.</summary>
    public static bool IsWhiteSpace(char c) => c == ByteOrderMark || (c != NextLine && char.IsWhiteSpace(c));

    /// <summary>Removes leading and trailing white space as <c>String.prototype.trim</c> does.</summary>
    /// <returns><paramref name="value"/> itself when there is none to remove.</returns>
    public static string Trim(string value)
    {
        var start = 0;
        var end = value.Length;
        while (start < end && IsWhiteSpace(value[start]))
        {
            start++;
        }

        while (end > start && IsWhiteSpace(value[end - 1]))
        {
            end--;
        }

        return start == 0 && end == value.Length ? value : value[start..end];
    }
}
