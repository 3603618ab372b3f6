using System.Globalization;

namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// Reads the <c>amount</c> a view or component was given — a literal (<c>amount="89.99"</c> is a <see cref="double"/> in
/// C#), a <see cref="decimal"/>, <see cref="double"/>, <see cref="float"/> or integer expression, or a string — as the
/// exact decimal the author wrote, whatever the server's culture. Nothing is rounded (Money never rounds): a value with
/// more decimals than its currency has is refused by <see cref="Money.FromMajor"/>.
/// </summary>
internal static class MajorAmount
{
    // A decimal point only: no thousands separators (so "89,99" is refused rather than read as 8999), no exponent.
    private const NumberStyles Style = NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign;

    /// <summary>Converts an attribute value to a decimal amount in major units; the error names <paramref name="attribute"/>.</summary>
    /// <exception cref="ArgumentException">The value is not a number, or not a finite one.</exception>
    public static decimal Parse(object value, string attribute) => value switch
    {
        decimal d => d,
        int or long or short or byte or sbyte or ushort or uint or ulong => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
        // The shortest text that reads back as the same double is what the author wrote (89.99, not 89.9899999999999948…).
        double d when double.IsFinite(d) => FromText(d.ToString("R", CultureInfo.InvariantCulture), attribute),
        float f when float.IsFinite(f) => FromText(f.ToString("R", CultureInfo.InvariantCulture), attribute),
        string s => FromText(s, attribute),
        _ => throw Invalid(Convert.ToString(value, CultureInfo.InvariantCulture), attribute),
    };

    private static decimal FromText(string text, string attribute)
    {
        // A double printed in exponent form ("1E-05", "1E+20") is read exactly too, still without rounding.
        var style = text.Contains('E', StringComparison.OrdinalIgnoreCase) ? NumberStyles.Float : Style;
        return decimal.TryParse(text, style, CultureInfo.InvariantCulture, out var amount) ? amount : throw Invalid(text, attribute);
    }

    private static ArgumentException Invalid(string? text, string attribute) =>
        new($"{attribute}=\"{text}\" is not an amount: write it with a '.' decimal point and no thousands separator (e.g. 89.99), or pass a decimal.", attribute);
}
