using System.Globalization;
using System.Text;

namespace OaiqPixel.Tests;

/// <summary>
/// The browser's <c>toLowerCase</c>, as recorded in <c>Fixtures/lowercase-*.txt</c> by
/// <c>Fixtures/generate-lowercase-fixture.mjs</c> (the engine and Unicode version are in each file's header).
/// </summary>
internal static class LowercaseFixture
{
    /// <summary>Every code point whose lowercase, taken alone, differs from itself, and that lowercase.</summary>
    public static IReadOnlyDictionary<int, string> CodePoints { get; } = ReadCodePoints();

    /// <summary>How each code point next to a capital sigma is treated: 'C' cased, 'I' case-ignorable; absent = neither.</summary>
    public static IReadOnlyDictionary<int, char> SigmaNeighbours { get; } = ReadSigmaNeighbours();

    /// <summary>Strings that exercise the context rules, with their lowercase.</summary>
    public static IReadOnlyList<(string Input, string Lower)> Strings { get; } = ReadStrings();

    /// <summary>The fixture's lowercase of <paramref name="codePoint"/> alone.</summary>
    public static string LowerOf(int codePoint) =>
        CodePoints.TryGetValue(codePoint, out var lower) ? lower : char.ConvertFromUtf32(codePoint);

    /// <summary>Every code point U+0000..U+10FFFF except the surrogates.</summary>
    public static IEnumerable<int> AllCodePoints()
    {
        for (var codePoint = 0; codePoint <= 0x10FFFF; codePoint++)
        {
            if (codePoint is < 0xD800 or > 0xDFFF)
            {
                yield return codePoint;
            }
        }
    }

    /// <summary>Code points written as space-separated hex, e.g. <c>0069 0307</c>.</summary>
    public static string Describe(string text) =>
        string.Join(' ', text.EnumerateRunes().Select(r => r.Value.ToString("X4", CultureInfo.InvariantCulture)));

    private static IEnumerable<string> Lines(string file) =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)).Where(l => l.Length > 0 && l[0] != '#');

    private static string FromHex(IEnumerable<string> codePoints)
    {
        var text = new StringBuilder();
        foreach (var hex in codePoints)
        {
            text.Append(char.ConvertFromUtf32(int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        }

        return text.ToString();
    }

    private static Dictionary<int, string> ReadCodePoints()
    {
        var map = new Dictionary<int, string>();
        foreach (var line in Lines("lowercase-code-points.txt"))
        {
            var fields = line.Split(' ');
            map.Add(int.Parse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), FromHex(fields.Skip(1)));
        }

        return map;
    }

    private static Dictionary<int, char> ReadSigmaNeighbours()
    {
        var map = new Dictionary<int, char>();
        foreach (var line in Lines("lowercase-contexts.txt").Where(l => l.StartsWith("N ", StringComparison.Ordinal)))
        {
            // "N 0041..005A C"
            var fields = line.Split(' ');
            var bounds = fields[1].Split("..");
            var first = int.Parse(bounds[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var last = int.Parse(bounds[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            for (var codePoint = first; codePoint <= last; codePoint++)
            {
                if (codePoint is < 0xD800 or > 0xDFFF)
                {
                    map.Add(codePoint, fields[2][0]);
                }
            }
        }

        return map;
    }

    private static List<(string Input, string Lower)> ReadStrings()
    {
        var strings = new List<(string, string)>();
        foreach (var line in Lines("lowercase-contexts.txt").Where(l => l.StartsWith("S ", StringComparison.Ordinal)))
        {
            // "S 0130 0301 > 0069 0307 0301"
            var sides = line[2..].Split(" > ");
            strings.Add((FromHex(sides[0].Split(' ')), FromHex(sides[1].Split(' '))));
        }

        return strings;
    }
}
