using System.Globalization;
using System.Text;
using OaiqPixel.Text;

namespace OaiqPixel.Tests;

/// <summary>
/// <see cref="EcmaScriptCase.ToLower"/> held to the browser's <c>String.prototype.toLowerCase</c>, recorded in
/// <c>Fixtures/</c> (see <see cref="LowercaseFixture"/>).
/// </summary>
public class EcmaScriptCaseTests
{
    private const string Sigma = "\u03A3";

    [Fact]
    public void ToLower_EveryCodePointAlone_MatchesTheBrowser()
    {
        var mismatches = new List<string>();
        var checkedCount = 0;
        foreach (var codePoint in LowercaseFixture.AllCodePoints())
        {
            var expected = LowercaseFixture.LowerOf(codePoint);
            var actual = EcmaScriptCase.ToLower(char.ConvertFromUtf32(codePoint));
            checkedCount++;
            if (actual != expected)
            {
                mismatches.Add($"U+{codePoint:X4}: browser {LowercaseFixture.Describe(expected)}, got {LowercaseFixture.Describe(actual)}");
            }
        }

        Assert.Equal(0x110000 - 0x800, checkedCount);
        Assert.True(LowercaseFixture.CodePoints.Count > 1400, "the fixture lists the code points that change");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} code points differ from the browser:\n" + string.Join('\n', mismatches.Take(40)));
    }

    [Fact]
    public void ToLower_EveryCodePointNextToASigma_DecidesFinalSigmaAsTheBrowser()
    {
        // The four strings the generator recorded for each code point X; the sigma's lowercase tells how X was treated.
        var mismatches = new List<string>();
        foreach (var codePoint in LowercaseFixture.AllCodePoints())
        {
            var x = char.ConvertFromUtf32(codePoint);
            var signature = string.Concat(
                Mark(EcmaScriptCase.ToLower("." + x + Sigma)[^1]),
                Mark(EcmaScriptCase.ToLower("A" + Sigma + x)[1]),
                Mark(EcmaScriptCase.ToLower("A" + x + Sigma)[^1]),
                Mark(EcmaScriptCase.ToLower("A" + Sigma + x + "B")[1]));
            var expected = LowercaseFixture.SigmaNeighbours.GetValueOrDefault(codePoint, '-') switch
            {
                'C' => "fsfs",
                'I' => "sffs",
                _ => "sfsf",
            };
            if (signature != expected)
            {
                mismatches.Add($"U+{codePoint:X4}: browser {expected}, got {signature}");
            }
        }

        Assert.True(LowercaseFixture.SigmaNeighbours.Count > 7000, "the fixture lists the cased and case-ignorable code points");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} code points change a sigma differently from the browser:\n" + string.Join('\n', mismatches.Take(40)));

        static char Mark(char c) => c switch
        {
            '\u03C2' => 'f',
            '\u03C3' => 's',
            _ => '?',
        };
    }

    public static TheoryData<string, string> ContextStrings()
    {
        var data = new TheoryData<string, string>();
        foreach (var (input, lower) in LowercaseFixture.Strings)
        {
            data.Add(LowercaseFixture.Describe(input), LowercaseFixture.Describe(lower));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ContextStrings))]
    public void ToLower_StringsThatExerciseTheContextRules_MatchTheBrowser(string input, string browser)
    {
        var text = FromHex(input);
        Assert.Equal(browser, LowercaseFixture.Describe(EcmaScriptCase.ToLower(text)));
    }

    [Theory]
    [InlineData("\u0130brahim", "i\u0307brahim")]
    [InlineData("\u0130\u0301", "i\u0307\u0301")]
    [InlineData("\u039F\u0394\u03A5\u03A3\u03A3\u0395\u03A5\u03A3", "\u03BF\u03B4\u03C5\u03C3\u03C3\u03B5\u03C5\u03C2")]
    [InlineData("\u039F\u0394\u039F\u03A3'", "\u03BF\u03B4\u03BF\u03C2'")]
    [InlineData("\u039F\u0394\u039F\u03A3.", "\u03BF\u03B4\u03BF\u03C2.")]
    [InlineData("\u0391\u03A3\u0301", "\u03B1\u03C2\u0301")]
    [InlineData("\uA7CB", "\u0264")]
    [InlineData("\U00016EA0", "\U00016EBB")]
    public void ToLower_WhereToLowerInvariantDiffers_GivesTheBrowsersAnswer(string input, string expected)
    {
        Assert.Equal(expected, EcmaScriptCase.ToLower(input));
        Assert.NotEqual(expected, input.ToLowerInvariant());
    }

    [Fact]
    public void ToLower_AsciiWithoutCapitals_ReturnsTheSameInstance()
    {
        const string value = "ada.lovelace@example.com";
        Assert.Same(value, EcmaScriptCase.ToLower(value));
        Assert.Same(string.Empty, EcmaScriptCase.ToLower(string.Empty));
    }

    [Theory]
    [InlineData("Ada.Lovelace@Example.COM", "ada.lovelace@example.com")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`@", "abcdefghijklmnopqrstuvwxyz[\\]^_`@")]
    [InlineData("M\u00DCLLER Ada", "m\u00FCller ada")]
    [InlineData("ada.Lovelace@Example.COM", "ada.lovelace@example.com")]
    [InlineData("m\u00FCller ADA", "m\u00FCller ada")]
    [InlineData("ab\u00E9 \u039F\u0394\u039F\u03A3", "ab\u00E9 \u03BF\u03B4\u03BF\u03C2")]
    public void ToLower_MixedText_KeepsTheUnchangedPrefixAndLowercasesTheRest(string input, string expected) =>
        Assert.Equal(expected, EcmaScriptCase.ToLower(input));

    // Node 20: "A\uD800B\u03A3\uDC00".toLowerCase() keeps both halves; a lone surrogate is neither cased nor case-ignorable.
    [Fact]
    public void ToLower_LoneSurrogate_IsKeptAsTheBrowserKeepsIt() =>
        Assert.Equal("a\uD800b\u03C2\uDC00", EcmaScriptCase.ToLower("A\uD800B" + Sigma + "\uDC00"));

    private static string FromHex(string codePoints)
    {
        var text = new StringBuilder();
        foreach (var hex in codePoints.Split(' '))
        {
            text.Append(char.ConvertFromUtf32(int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        }

        return text.ToString();
    }
}
