namespace OaiqPixel.Tests;

public class UserDataTests
{
    [Fact]
    public void WithMethods_ReturnNewInstances_AndNeverStoreRawValues()
    {
        var empty = UserData.Empty;
        var withEmail = empty.WithEmail("Ada@Example.com");
        Assert.True(empty.IsEmpty);
        Assert.False(withEmail.IsEmpty);
        Assert.All(withEmail.EmailsSha256, h => Assert.True(UserDataNormalizer.IsSha256Hex(h)));
        Assert.DoesNotContain(withEmail.EmailsSha256, h => h.Contains('@', StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicates_AreIgnored()
    {
        var user = UserData.FromEmail("a@example.com").WithEmail(" A@EXAMPLE.COM ").WithCountry("us").WithCountry("US");
        Assert.Single(user.EmailsSha256);
        Assert.Single(user.Countries);
    }

    [Fact]
    public void Merge_ConcatenatesListsAndPrefersTheOthersSingleValues()
    {
        var caller = UserData.FromEmail("a@example.com").WithIpAddress("10.0.0.1");
        var request = UserData.FromEmail("b@example.com").WithObref("ob").WithIpAddress("203.0.113.1").WithUserAgent("UA");
        var merged = caller.Merge(request);
        Assert.Equal(2, merged.EmailsSha256.Count);
        Assert.Equal("203.0.113.1", merged.IpAddress);
        Assert.Equal("ob", merged.Obref);
        Assert.Same(caller, caller.Merge(UserData.Empty));
        Assert.Same(request, UserData.Empty.Merge(request));
    }

    [Fact]
    public void IpAddress_MappedIpv4_IsSentAsIpv4_AndGarbageIsRefused()
    {
        Assert.Equal("203.0.113.1", UserData.Empty.WithIpAddress("::ffff:203.0.113.1").IpAddress);
        Assert.Equal("2001:db8::1", UserData.Empty.WithIpAddress("2001:db8::1").IpAddress);
        Assert.Contains("valid IPv4 or IPv6", Assert.Throws<ArgumentException>(() => UserData.Empty.WithIpAddress("999.1.1.1x")).Message, StringComparison.Ordinal);
    }

    // Issue 11 (6c): IPAddress.TryParse takes the legacy inet_aton shorthands, so "1" was sent as 0.0.0.1 and "0x7f.1" as
    // 127.0.0.1. Only the documented textual forms are accepted (spec §4.6).
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("10.0.0.1", "10.0.0.1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("2001:DB8:0:0:0:0:0:1", "2001:db8::1")]
    [InlineData("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329")]
    [InlineData("::ffff:1.2.3.4", "1.2.3.4")]
    [InlineData("::FFFF:203.0.113.7", "203.0.113.7")]
    [InlineData("::1", "::1")]
    [InlineData("::", "::")]
    [InlineData("fe80::1", "fe80::1")]
    [InlineData("1::", "1::")]
    [InlineData("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0")]
    [InlineData("1::2:3:4:5:6:7", "1:0:2:3:4:5:6:7")]
    [InlineData("64:ff9b::192.0.2.33", "64:ff9b::c000:221")]
    [InlineData("1:2:3:4:5:6:192.0.2.33", "1:2:3:4:5:6:c000:221")]
    public void IpAddress_DocumentedTextForm_IsAccepted(string text, string sent) =>
        Assert.Equal(sent, UserData.Empty.WithIpAddress(text).IpAddress);

    [Theory]
    [InlineData("1")]
    [InlineData("0x7f.1")]
    [InlineData("127.1")]
    [InlineData("1.2.3")]
    [InlineData("0177.0.0.1")]
    [InlineData("010.0.0.1")]
    [InlineData("4294967295")]
    [InlineData("0x7f000001")]
    [InlineData("1.2.3.4 ")]
    [InlineData(" 1.2.3.4")]
    [InlineData("1.2.3.4\n")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.-4")]
    [InlineData("1..3.4")]
    [InlineData("1.2.3.4:80")]
    [InlineData("\u0661.\u0662.\u0663.\u0664")]
    [InlineData("fe80::1%eth0")]
    [InlineData("fe80::1%2")]
    [InlineData("[::1]")]
    [InlineData("[::1]:443")]
    [InlineData("::ffff:1.2.3")]
    [InlineData("::ffff:01.2.3.4")]
    [InlineData("::ffff:1.2.3.4.5")]
    [InlineData("1.2.3.4::")]
    [InlineData("1::2::3")]
    [InlineData(":::")]
    [InlineData(":1::2")]
    [InlineData("1:2:3:4:5:6:7")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1::2:3:4:5:6:7:8")]
    [InlineData("1:2:3:4:5:6:7:1.2.3.4")]
    [InlineData("12345::1")]
    [InlineData("g::1")]
    [InlineData("")]
    public void IpAddress_AnyOtherForm_IsRefusedNamingTheAcceptedForms(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => UserData.Empty.WithIpAddress(text));
        Assert.Equal("ipAddress", error.ParamName);
        Assert.Contains("four decimal numbers 0-255", error.Message, StringComparison.Ordinal);
        Assert.Contains("RFC 4291", error.Message, StringComparison.Ordinal);
        if (text.Trim().Length > 1)
        {
            Assert.DoesNotContain(text.Trim(), error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void IpAddress_FromAnIPAddressWithAZone_IsSentWithoutTheZone()
    {
        var linkLocal = System.Net.IPAddress.Parse("fe80::1%3");
        Assert.Equal("fe80::1", UserData.Empty.WithIpAddress(linkLocal).IpAddress);
        Assert.Equal("fe80::1", UserData.FromRequest(null, linkLocal, null).IpAddress);
        Assert.Equal("203.0.113.7", UserData.Empty.WithIpAddress(System.Net.IPAddress.Parse("::ffff:203.0.113.7")).IpAddress);
    }

    // Issue 11 (6b): a raw value is always hashed, even when it looks like a digest; digests go only through …Sha256.
    [Fact]
    public void WithExternalId_IdThatIs64LowercaseHexDigits_IsHashed()
    {
        const string id = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea";
        var sent = Assert.Single(UserData.Empty.WithExternalId(id).ExternalIdsSha256);
        Assert.Equal(UserDataNormalizer.Sha256Hex(id), sent);
        Assert.Equal(id, Assert.Single(UserData.Empty.WithExternalIdSha256(id).ExternalIdsSha256));
    }

    [Fact]
    public void WithFirstNameAndLastName_ValueThatIs64HexDigits_IsHashed()
    {
        const string name = "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514";
        var user = UserData.Empty.WithFirstName(name).WithLastName(name.ToUpperInvariant());
        Assert.Equal(UserDataNormalizer.Sha256Hex(name), Assert.Single(user.FirstNamesSha256));
        Assert.Equal(UserDataNormalizer.Sha256Hex(name), Assert.Single(user.LastNamesSha256));
    }

    [Fact]
    public void WithPhoneNumberAndWithEmail_Digest_IsRefusedNamingTheSha256Method()
    {
        const string digest = "758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0";
        var phone = Assert.Throws<ArgumentException>(() => UserData.Empty.WithPhoneNumber(digest));
        Assert.Contains("WithPhoneNumberSha256", phone.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(digest, phone.Message, StringComparison.Ordinal);
        var email = Assert.Throws<ArgumentException>(() => UserData.FromEmail(digest));
        Assert.Contains("WithEmailSha256", email.Message, StringComparison.Ordinal);
        Assert.Equal(digest, Assert.Single(UserData.Empty.WithPhoneNumberSha256(digest).PhoneNumbersSha256));
    }

    [Theory]
    [InlineData("USA")]
    [InlineData("U1")]
    [InlineData("")]
    public void Country_MustBeTwoLetters(string country) =>
        Assert.Contains("two-letter ISO 3166-1", Assert.Throws<ArgumentException>(() => UserData.Empty.WithCountry(country)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("94107", true)]
    [InlineData("SW1A 1AA", true)]
    [InlineData("12345-6789", true)]
    [InlineData("94107;DROP", false)]
    [InlineData("", false)]
    public void PostalCode_AllowsLettersDigitsSpacesAndHyphens(string code, bool valid)
    {
        if (valid)
        {
            Assert.Equal(code, Assert.Single(UserData.Empty.WithPostalCode(code).PostalCodes));
        }
        else
        {
            var error = Assert.Throws<ArgumentException>(() => UserData.Empty.WithPostalCode(code));
            if (code.Length > 0)
            {
                Assert.DoesNotContain(code, error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void City_LongerThan128_IsRefused()
    {
        Assert.Single(UserData.Empty.WithCity(new string('a', 128)).Cities);
        Assert.Throws<ArgumentException>(() => UserData.Empty.WithCity(new string('a', 129)));
    }

    [Fact]
    public void Sha256Methods_AcceptHexInAnyCase_AndRefuseAnythingElse()
    {
        const string digest = "B4C9A289323B21A01C3E940F150EB9B8C542587F1ABFD8F0E1CC1FFC5E475514";
        Assert.Equal(digest.ToLowerInvariant(), Assert.Single(UserData.Empty.WithEmailSha256(digest).EmailsSha256));
        var error = Assert.Throws<ArgumentException>(() => UserData.Empty.WithPhoneNumberSha256("14155552671"));
        Assert.Contains("64 hexadecimal digits", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("14155552671", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Obref_IsKeptUnchanged_AndBlankIsRefused()
    {
        Assert.Equal("123e4567-E89B", UserData.Empty.WithObref("123e4567-E89B").Obref);
        Assert.Throws<ArgumentException>(() => UserData.Empty.WithObref(" "));
    }

    [Fact]
    public void AndroidAdvertisingId_MustBeAUuid() =>
        Assert.Throws<ArgumentException>(() => UserData.Empty.WithAndroidAdvertisingId("not-a-gaid"));

    [Fact]
    public void HasPixelFields_IgnoresServerOnlyFields()
    {
        Assert.False(UserData.Empty.WithObref("o").WithIpAddress("203.0.113.1").WithUserAgent("ua").HasPixelFields);
        Assert.True(UserData.Empty.WithCountry("US").HasPixelFields);
    }
}
