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
