using System.Buffers;
using System.Text;

namespace OaiqPixel.Text;

/// <summary>
/// Lowercases text exactly as ECMAScript's <c>String.prototype.toLowerCase</c> does in the browser the OpenAI pixel SDK runs
/// in, so a value normalized here hashes to the same digest as one normalized by the SDK (spec §4.5).
/// </summary>
/// <remarks>
/// <para>
/// toLowerCase is the Unicode default case conversion: each code point's full lowercase mapping (UnicodeData plus the
/// unconditional mappings of SpecialCasing, which lowercase only U+0130 <c>İ</c> to two code points, <c>i</c> + U+0307),
/// and the one context rule that is not language-specific, Final_Sigma: a capital sigma preceded by a cased letter and not
/// followed by one (case-ignorable code points in between are skipped) becomes the final form <c>ς</c>. toLowerCase is
/// locale-insensitive, so the Lithuanian and Turkic rules never apply.
/// </para>
/// <para>
/// <see cref="string.ToLowerInvariant"/> differs: it keeps U+0130, has no Final_Sigma, and its data is the host's ICU
/// (or .NET's own tables with invariant globalization), so its answer changes from machine to machine (on a Debian 12
/// host, with ICU 72, 56 code points differ from Chromium 156; with invariant globalization, 29). The mapping and the
/// Cased / Case_Ignorable ranges used here are therefore generated from a browser (<c>EcmaScriptCase.Tables.cs</c>, by
/// <c>tests/OaiqPixel.Abstractions.Tests/Fixtures/generate-lowercase-fixture.mjs</c>), and do not depend on the host.
/// </para>
/// </remarks>
internal static partial class EcmaScriptCase
{
    private const char CapitalSigma = '\u03A3';
    private const char SmallSigma = '\u03C3';
    private const char FinalSigma = '\u03C2';
    private const char CapitalIWithDotAbove = '\u0130';

    /// <summary>ASCII other than A-Z, which toLowerCase leaves as it is.</summary>
    private static readonly SearchValues<char> AsciiUnchanged = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 128).Select(c => (char)c).Where(c => !char.IsAsciiLetterUpper(c))));

    /// <summary>The kinds in <see cref="SigmaContextRuns"/>.</summary>
    private const int Cased = 1;
    private const int CaseIgnorable = 2;

    /// <summary>Lowercases <paramref name="value"/> as ECMAScript <c>toLowerCase</c> does.</summary>
    /// <param name="value">Well-formed UTF-16 text (a lone surrogate is kept as it is, as toLowerCase keeps it).</param>
    /// <returns>The lowercase text; <paramref name="value"/> itself when nothing changes.</returns>
    public static string ToLower(string value)
    {
        ArgumentNullException.ThrowIfNull(value);

        // One vectorised scan finds the first character that may change: an ASCII capital or anything outside ASCII.
        var first = value.AsSpan().IndexOfAnyExcept(AsciiUnchanged);
        if (first < 0)
        {
            return value;
        }

        var rest = value.AsSpan(first);
        if (!rest.ContainsAnyExceptInRange('\u0000', '\u007F'))
        {
            // ASCII only: A-Z are the only letters that change, and nothing depends on context.
            return string.Create(value.Length, value, static (destination, text) => Ascii.ToLower(text, destination, out _));
        }

        // Only U+0130 changes the UTF-16 length (one unit becomes two); every other mapping keeps it, including across
        // planes (the generator checks both).
        var length = value.Length + rest.Count(CapitalIWithDotAbove);
        return string.Create(length, (value, first), static (destination, state) =>
        {
            var (text, start) = state;
            text.AsSpan(0, start).CopyTo(destination);
            var written = start;
            for (var i = start; i < text.Length;)
            {
                var c = text[i];
                if (c < '\u0080')
                {
                    destination[written++] = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
                    i++;
                }
                else if (c == CapitalSigma)
                {
                    destination[written++] = IsFinalSigma(text, i) ? FinalSigma : SmallSigma;
                    i++;
                }
                else if (c == CapitalIWithDotAbove)
                {
                    destination[written++] = 'i';
                    destination[written++] = '\u0307';
                    i++;
                }
                else if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed) == OperationStatus.Done)
                {
                    written += new Rune(LowercaseOf(rune.Value)).EncodeToUtf16(destination[written..]);
                    i += consumed;
                }
                else
                {
                    destination[written++] = c;
                    i++;
                }
            }
        });
    }

    /// <summary>The single-code-point lowercase of <paramref name="codePoint"/> (anything but U+0130).</summary>
    private static int LowercaseOf(int codePoint)
    {
        var runs = LowercaseRuns;
        var run = FindRun(runs, 4, codePoint);
        return run >= 0 && (codePoint - runs[run]) % runs[run + 2] == 0 ? codePoint + runs[run + 3] : codePoint;
    }

    /// <summary>
    /// Final_Sigma (Unicode §3.13, Table 3-17): a cased letter before the sigma and none after it, skipping case-ignorable
    /// code points both ways. A code point that is both Cased and Case_Ignorable (e.g. U+02B0) is skipped, as the browser does.
    /// </summary>
    private static bool IsFinalSigma(string text, int sigmaIndex) =>
        IsNextToCased(text, sigmaIndex, backwards: true) && !IsNextToCased(text, sigmaIndex + 1, backwards: false);

    /// <summary>Whether the first code point that is not case-ignorable, before <paramref name="index"/> or from it on, is cased.</summary>
    private static bool IsNextToCased(string text, int index, bool backwards)
    {
        while (backwards ? index > 0 : index < text.Length)
        {
            Rune rune;
            int consumed;
            if (backwards)
            {
                Rune.DecodeLastFromUtf16(text.AsSpan(0, index), out rune, out consumed);
                index -= consumed;
            }
            else
            {
                Rune.DecodeFromUtf16(text.AsSpan(index), out rune, out consumed);
                index += consumed;
            }

            var kind = SigmaContextKind(rune.Value);
            if (kind != CaseIgnorable)
            {
                return kind == Cased;
            }
        }

        return false;
    }

    private static int SigmaContextKind(int codePoint)
    {
        var run = FindRun(SigmaContextRuns, 3, codePoint);
        return run < 0 ? 0 : SigmaContextRuns[run + 2];
    }

    /// <summary>
    /// Binary search of sorted, disjoint runs of <paramref name="width"/> ints that start with (first, last): the index of
    /// the run holding <paramref name="codePoint"/>, or -1.
    /// </summary>
    private static int FindRun(ReadOnlySpan<int> runs, int width, int codePoint)
    {
        var low = 0;
        var high = (runs.Length / width) - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var run = middle * width;
            if (codePoint < runs[run])
            {
                high = middle - 1;
            }
            else if (codePoint > runs[run + 1])
            {
                low = middle + 1;
            }
            else
            {
                return run;
            }
        }

        return -1;
    }
}
