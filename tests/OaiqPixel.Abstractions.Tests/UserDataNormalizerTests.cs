using System.Text;

namespace OaiqPixel.Tests;

public class UserDataNormalizerTests
{
    // Spec §4.5: the first six reproduce the example hashes printed in the official pages.
    [Theory]
    [InlineData("user@example.com", "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514")]
    [InlineData("14155552671", "758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0")]
    [InlineData("customer_123", "18f69bcd2f9cc9c38195e722b2a5590429840ea5090971d2256e026926e55fa1")]
    [InlineData("customer_12345", "73d83a078369bb4f0971b317aa7797a91cf5c0df1b62161c2e47d75c33ab5b6e")]
    [InlineData("ada", "fdee430d40bd57deeac186cd9790033d0f06f909a8806e7ce6e717ab7c7d5029")]
    [InlineData("lovelace", "fb1e7ec987523d2cb9e022cec1d6ae7c99dc46edfae4fe51254025fe4bea571f")]
    [InlineData("maryjane", "f08f448a5e7a9dc3619bb7c129f6a7d5fc6af002cea17ad71dfdc1c68f4d4e0e")]
    [InlineData("oconnor", "7a0fbfdf40cbeb97429bdb88f512cecd27f0d44b7e57986ab578423bb61936ac")]
    [InlineData("jos\u00e9", "d994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866")]
    public void Sha256Hex_SpecVectors_Match(string normalized, string expected) =>
        Assert.Equal(expected, UserDataNormalizer.Sha256Hex(normalized));

    [Theory]
    [InlineData(" Ada@Example.COM ", "ada@example.com")]
    [InlineData("USER@EXAMPLE.COM", "user@example.com")]
    [InlineData("JOSE\u0301@example.com", "jos\u00e9@example.com")]
    public void NormalizeEmail_TrimsLowercasesAndComposes(string raw, string expected) =>
        Assert.Equal(expected, UserDataNormalizer.NormalizeEmail(raw));

    [Theory]
    [InlineData("+1 (415) 555-2671", "14155552671")]
    [InlineData("+40 746 123 456", "40746123456")]
    [InlineData("+00 44 (0)20 7946 0958", "4402079460958")]
    [InlineData("0049.30.1234.5678", "493012345678")]
    [InlineData("14155552671", "14155552671")]
    [InlineData("123456789012345", "123456789012345")]
    public void NormalizePhoneNumber_FollowsTheSpecRules(string raw, string expected) =>
        Assert.Equal(expected, UserDataNormalizer.NormalizePhoneNumber(raw));

    [Theory]
    [InlineData("555-2671", "8-15")]
    [InlineData("+1 555 26", "8-15")]
    [InlineData("1234567890123456", "8-15")]
    [InlineData("+1 415 555 2671 x12", "no letters or extensions")]
    [InlineData("+1/415/555/2671", "only digits")]
    [InlineData("", "8-15")]
    public void NormalizePhoneNumber_Refused_NamesTheRuleNotTheValue(string raw, string rule)
    {
        var error = Assert.Throws<ArgumentException>(() => UserDataNormalizer.NormalizePhoneNumber(raw));
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        Assert.Equal("phoneNumber", error.ParamName);
        if (raw.Length > 0)
        {
            Assert.DoesNotContain(raw, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("  CUST-00042  ", "CUST-00042")]
    [InlineData("AbC_123", "AbC_123")]
    [InlineData("\tx y\n", "x y")]
    public void NormalizeExternalId_TrimsOnlyAndKeepsCase(string raw, string expected) =>
        Assert.Equal(expected, UserDataNormalizer.NormalizeExternalId(raw));

    [Theory]
    [InlineData("Mary Jane", "maryjane")]
    [InlineData("O'Connor", "oconnor")]
    [InlineData("O'Neill", "oneill")]
    [InlineData(" Van  Der Berg ", "vanderberg")]
    [InlineData("Jos\u00e9", "jos\u00e9")]
    [InlineData("Jose\u0301", "jos\u00e9")]
    [InlineData("\u0218tef\u0103nescu", "\u0219tef\u0103nescu")]
    [InlineData("Jean-Luc", "jeanluc")]
    [InlineData("M\u00fcller\u00a0Sch\u00f6n", "m\u00fcllersch\u00f6n")]
    [InlineData("Ada_Love.lace!", "adalovelace")]
    [InlineData("\u00ab\u00c9lise\u00bb", "\u00ab\u00e9lise\u00bb")]
    public void NormalizeName_LowercasesAndRemovesWhitespaceAndAsciiPunctuationOnly(string raw, string expected) =>
        Assert.Equal(expected, UserDataNormalizer.NormalizeName(raw));

    [Fact]
    public void HashName_AccentedName_MatchesTheSpecVector() =>
        Assert.Equal("d994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866", UserDataNormalizer.HashName(" Jos\u00e9 "));

    [Fact]
    public void HashEmail_RawAddress_MatchesTheSpecVector() =>
        Assert.Equal("b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514", UserDataNormalizer.HashEmail("  User@Example.com "));

    [Fact]
    public void HashPhoneNumber_FormattedNumber_MatchesTheSpecVector() =>
        Assert.Equal("758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0", UserDataNormalizer.HashPhoneNumber("+1 (415) 555-2671"));

    [Fact]
    public void HashExternalId_KeepsCase_SoDifferentCaseGivesDifferentDigest()
    {
        Assert.Equal("18f69bcd2f9cc9c38195e722b2a5590429840ea5090971d2256e026926e55fa1", UserDataNormalizer.HashExternalId(" customer_123 "));
        Assert.NotEqual(UserDataNormalizer.HashExternalId("customer_123"), UserDataNormalizer.HashExternalId("CUSTOMER_123"));
    }

    // Issue 11 (6b): a customer id that is itself 64 lowercase hex digits was sent as if it were its own digest.
    [Fact]
    public void HashExternalId_IdThatIs64LowercaseHexDigits_IsHashedLikeAnyOtherId()
    {
        const string id = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea";
        var digest = UserDataNormalizer.HashExternalId(id);
        Assert.Equal(UserDataNormalizer.Sha256Hex(id), digest);
        Assert.NotEqual(id, digest);
    }

    [Fact]
    public void HashName_NameThatIs64LowercaseHexDigits_IsHashedLikeAnyOtherName()
    {
        const string name = "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514";
        Assert.Equal(UserDataNormalizer.Sha256Hex(name), UserDataNormalizer.HashName(name));
        Assert.Equal(UserDataNormalizer.Sha256Hex(name), UserDataNormalizer.HashName(name.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514")]
    [InlineData("B4C9A289323B21A01C3E940F150EB9B8C542587F1ABFD8F0E1CC1FFC5E475514")]
    public void HashPhoneNumber_Digest_IsRefusedNamingTheSha256Method(string digest)
    {
        var error = Assert.Throws<ArgumentException>(() => UserDataNormalizer.HashPhoneNumber(digest));
        Assert.Contains("UserData.WithPhoneNumberSha256", error.Message, StringComparison.Ordinal);
        Assert.Equal("phoneNumber", error.ParamName);
        Assert.DoesNotContain(digest, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void HashEmail_Digest_IsRefusedNamingTheSha256Method()
    {
        const string digest = "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514";
        var error = Assert.Throws<ArgumentException>(() => UserDataNormalizer.HashEmail(digest));
        Assert.Contains("UserData.WithEmailSha256", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(digest, error.Message, StringComparison.Ordinal);
    }

    // Issue 11 (1): the pixel SDK lowercases with ECMAScript toLowerCase; ToLowerInvariant keeps U+0130 and every final sigma.
    [Fact]
    public void NormalizeName_DottedCapitalI_LowercasesAsTheBrowser()
    {
        Assert.Equal("i\u0307brahim", UserDataNormalizer.NormalizeName("\u0130brahim"));
        Assert.Equal("f918b8fe06e37aa78f014ae71dc2eded9a3b4f83451df1f03bb9c486cec9f811", UserDataNormalizer.HashName("\u0130brahim"));
    }

    [Theory]
    [InlineData("\u0130LKER.YILMAZ@EXAMPLE.COM", "i\u0307lker.yilmaz@example.com")]
    [InlineData(" \u039D\u0399\u039A\u039F\u03A3@EXAMPLE.GR ", "\u03BD\u03B9\u03BA\u03BF\u03C2@example.gr")]
    [InlineData("\u03A3\u0391\u03A3.\u03A3\u0391\u03A3@EXAMPLE.GR", "\u03C3\u03B1\u03C3.\u03C3\u03B1\u03C2@example.gr")]
    [InlineData("\uA7CB@EXAMPLE.COM", "\u0264@example.com")]
    public void NormalizeEmail_LowercasesAsTheBrowser(string raw, string expected) =>
        Assert.Equal(expected, UserDataNormalizer.NormalizeEmail(raw));

    [Theory]
    [InlineData("\u039F\u0394\u03A5\u03A3\u03A3\u0395\u03A5\u03A3", "\u03BF\u03B4\u03C5\u03C3\u03C3\u03B5\u03C5\u03C2")]
    [InlineData("\u039D\u0399\u039A\u039F\u03A3'", "\u03BD\u03B9\u03BA\u03BF\u03C2")]
    [InlineData("\u0391\u03A3 \u0392\u0391", "\u03B1\u03C2\u03B2\u03B1")]
    [InlineData("\u0130\u0307\u0130", "i\u0307\u0307i\u0307")]
    [InlineData("\u0130stanbul", "i\u0307stanbul")]
    [InlineData("\uA7CB\u00C9", "\u0264\u00E9")]
    public void NormalizeName_ContextAndNewerLetters_LowercaseAsTheBrowser(string raw, string expected) =>
        Assert.Equal(expected, UserDataNormalizer.NormalizeName(raw));

    [Fact]
    public void NormalizeNameAndEmail_EveryCodePointThatLowercases_MatchesTheBrowser()
    {
        // Each code point the browser lowercases, on its own and inside an address, through the public normalizers:
        // NFC first (spec §9 #12), then the browser's lowercase of each code point, then the name rule's removals.
        var mismatches = new List<string>();
        foreach (var codePoint in LowercaseFixture.CodePoints.Keys)
        {
            var composed = char.ConvertFromUtf32(codePoint).Normalize(NormalizationForm.FormC);
            var lower = string.Concat(composed.EnumerateRunes().Select(r => LowercaseFixture.LowerOf(r.Value)));
            var name = UserDataNormalizer.NormalizeName(char.ConvertFromUtf32(codePoint));
            // A digit before it: neither cased nor case-ignorable, so a sigma stays non-final as it does alone.
            var email = UserDataNormalizer.NormalizeEmail("0" + char.ConvertFromUtf32(codePoint) + "@Example.com");
            if (name != lower || email != "0" + lower + "@example.com")
            {
                mismatches.Add($"U+{codePoint:X4}: browser {LowercaseFixture.Describe(lower)}, name {LowercaseFixture.Describe(name)}, email {LowercaseFixture.Describe(email)}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} code points differ from the browser:\n" + string.Join('\n', mismatches.Take(40)));
    }

    [Theory]
    [InlineData("   ", "empty")]
    [InlineData("no-at-sign.example.com", "'@'")]
    [InlineData("@example.com", "local part")]
    [InlineData("ada@", "domain")]
    public void NormalizeEmail_Refused_NamesTheRuleNotTheValue(string raw, string rule)
    {
        var error = Assert.Throws<ArgumentException>(() => UserDataNormalizer.NormalizeEmail(raw));
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        if (raw.Trim().Length > 0)
        {
            Assert.DoesNotContain(raw.Trim(), error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("  ")]
    [InlineData("'.-")]
    public void NormalizeName_NothingLeft_IsRefused(string raw)
    {
        var error = Assert.Throws<ArgumentException>(() => UserDataNormalizer.NormalizeName(raw));
        Assert.Contains("empty after removing white space and punctuation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NormalizeExternalId_Blank_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => UserDataNormalizer.NormalizeExternalId(" \t "));
        Assert.Contains("empty after trimming", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_LoneSurrogate_IsRefusedWithAClearMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => UserDataNormalizer.NormalizeName("ab\ud800c"));
        Assert.Contains("lone surrogate", error.Message, StringComparison.Ordinal);
    }
}
