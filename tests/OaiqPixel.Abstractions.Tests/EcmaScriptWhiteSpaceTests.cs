using OaiqPixel.Text;

namespace OaiqPixel.Tests;

/// <summary>Trimming and white-space removal before hashing follow ECMAScript (<c>trim()</c>, <c>\s</c>), as the browser SDK does.</summary>
public class EcmaScriptWhiteSpaceTests
{
    // [...Array(0x10000).keys()].filter(c => /\s/.test(String.fromCharCode(c))) in Node 20 (Unicode 17) and Chromium 156.
    private static readonly int[] s_browserWhiteSpace =
    [
        0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x0020, 0x00A0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
        0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF,
    ];

    [Fact]
    public void IsWhiteSpace_EveryBmpCharacter_IsWhatTheBrowserCallsWhiteSpace()
    {
        var expected = s_browserWhiteSpace.ToHashSet();
        for (var c = 0; c <= 0xFFFF; c++)
        {
            Assert.True(expected.Contains(c) == EcmaScriptWhiteSpace.IsWhiteSpace((char)c), $"U+{c:X4}");
        }
    }

    [Fact]
    public void NormalizeEmail_TrimsAByteOrderMark_AsTheBrowserDoes() =>
        Assert.Equal("ada@example.com", UserDataNormalizer.NormalizeEmail("\uFEFFAda@Example.com "));

    [Fact]
    public void NormalizeExternalId_KeepsATrailingNextLine_AsTheBrowsersTrimDoes() =>
        Assert.Equal("CUST-42\u0085", UserDataNormalizer.NormalizeExternalId(" CUST-42\u0085\uFEFF"));

    [Fact]
    public void NormalizeName_RemovesAByteOrderMarkAndKeepsANextLine() =>
        Assert.Equal("mary\u0085jane", UserDataNormalizer.NormalizeName("Mary\uFEFF\u0085 Jane"));

    [Fact]
    public void NormalizePhoneNumber_RemovesAByteOrderMark() =>
        Assert.Equal("14155552671", UserDataNormalizer.NormalizePhoneNumber("\uFEFF+1 415\uFEFF555 2671"));
}
