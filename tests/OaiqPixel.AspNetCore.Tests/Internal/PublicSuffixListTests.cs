using System.Globalization;
using System.Text.RegularExpressions;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.ServerViews;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Tests.Internal;

public sealed partial class PublicSuffixListTests
{
    [Fact]
    public void Embedded_MaintainersChecks_EveryRegistrableDomainIsRight()
    {
        // Arrange: the list maintainers' checks (test_psl.txt): checkPublicSuffix(input, registrable domain or null).
        var checks = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Internal", "test_psl.txt"))
            .Select(line => CheckLine().Match(line))
            .Where(match => match.Success)
            .Select(match => (Input: Argument(match.Groups["input"].Value), Expected: Argument(match.Groups["expected"].Value)))
            .ToList();
        var list = PublicSuffixList.Embedded;

        // Act: hosts reach the list as browsers send them (punycode), so IDN expectations are compared in punycode.
        var wrong = checks
            .Select(check => (check.Input, Expected: ToAscii(check.Expected), Actual: list.GetRegistrableDomain(check.Input)))
            .Where(result => result.Actual != result.Expected)
            .Select(result => $"{result.Input ?? "null"}: expected {result.Expected ?? "null"}, got {result.Actual ?? "null"}")
            .ToList();

        // Assert
        Assert.True(checks.Count >= 70, $"only {checks.Count} checks were read");
        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData("com")]
    [InlineData("co.uk")]
    [InlineData("github.io")]           // PRIVATE section
    [InlineData("test.ck")]             // *.ck
    [InlineData("anything.kobe.jp")]    // *.kobe.jp
    [InlineData("localhost")]           // the implicit * rule
    [InlineData("CO.UK")]
    [InlineData("公司.cn")]
    public void Embedded_PublicSuffixes_AreRecognised(string domain) =>
        Assert.True(PublicSuffixList.Embedded.IsPublicSuffix(domain));

    [Theory]
    [InlineData("example.com")]
    [InlineData("example.co.uk")]
    [InlineData("octocat.github.io")]
    [InlineData("www.ck")]              // !www.ck
    [InlineData("city.kobe.jp")]        // !city.kobe.jp
    [InlineData("xn--85x722f.xn--55qx5d.cn")]
    public void Embedded_RegistrableDomains_AreNotPublicSuffixes(string domain) =>
        Assert.False(PublicSuffixList.Embedded.IsPublicSuffix(domain));

    [Fact]
    public void Embedded_HoldsBothSectionsOfTheList()
    {
        var list = PublicSuffixList.Embedded;

        Assert.InRange(list.Count, 9_000, 20_000);
        Assert.Equal("foo.github.io", list.GetRegistrableDomain("a.b.foo.github.io"));
        Assert.Equal("example.co.uk", list.GetRegistrableDomain("shop.example.co.uk"));
    }

    [Fact]
    public void Parse_ExceptionBeatsWildcard_AndTheLongestRuleWins_InAnyList()
    {
        // Arrange: the same kinds of rule as in the real list, on made-up names, with comments and trailing text.
        var list = PublicSuffixList.Parse(new StringReader("""
            // ===BEGIN ICANN DOMAINS===
            test
            *.wild.test
            !keep.wild.test
            deep.two.test     trailing text is ignored
            // ===END ICANN DOMAINS===
            """));

        // Act + Assert
        Assert.Equal(4, list.Count);
        Assert.Null(list.GetRegistrableDomain("any.wild.test"));
        Assert.Equal("x.any.wild.test", list.GetRegistrableDomain("y.x.any.wild.test"));
        Assert.Equal("keep.wild.test", list.GetRegistrableDomain("a.keep.wild.test"));
        Assert.Equal("two.test", list.GetRegistrableDomain("a.two.test"));
        Assert.Null(list.GetRegistrableDomain("deep.two.test"));
        Assert.Equal("a.deep.two.test", list.GetRegistrableDomain("b.a.deep.two.test"));
        Assert.Equal("other.unlisted", list.GetRegistrableDomain("www.other.unlisted"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".example.com")]
    [InlineData("example.com.")]
    [InlineData("a..example.com")]
    [InlineData("exa mple.com")]
    [InlineData("example.com:443")]
    [InlineData("my_shop.example.com")]
    [InlineData("-.example.com:443")]
    public void Canonicalize_WhatIsNotAHostName_IsNull(string? host) =>
        Assert.Null(PublicSuffixList.Canonicalize(host));

    private static string? Argument(string value) => value == "null" ? null : value.Trim('\'');

    private static string? ToAscii(string? domain) =>
        domain is null ? null : new IdnMapping().GetAscii(domain).ToLowerInvariant();

    [GeneratedRegex(@"^checkPublicSuffix\((?<input>null|'[^']*'), (?<expected>null|'[^']*')\);")]
    private static partial Regex CheckLine();
}
