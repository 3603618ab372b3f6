using OaiqPixel.Currencies;
using OaiqPixel.Text;

namespace OaiqPixel.Tests;

public class MoneyTests
{
    [Theory]
    [InlineData("25.99", "USD", 2599)]
    [InlineData("129.99", "usd", 12999)]
    [InlineData("0", "EUR", 0)]
    [InlineData("12497", "JPY", 12497)]
    [InlineData("12497.0", "JPY", 12497)]
    [InlineData("1.5", "KWD", 1500)]
    [InlineData("1.234", "BHD", 1234)]
    [InlineData("15000.50", "IDR", 1500050)]
    [InlineData("1.2345", "CLF", 12345)]
    [InlineData("7", "KRW", 7)]
    public void FromMajor_ScalesByTheCurrencysExponent(string major, string currency, long expectedMinor)
    {
        var money = Money.FromMajor(decimal.Parse(major, System.Globalization.CultureInfo.InvariantCulture), currency);
        Assert.Equal(expectedMinor, money.MinorUnits);
        Assert.Equal(currency.ToUpperInvariant(), money.Currency);
    }

    [Theory]
    [InlineData("25.999", "USD", "more decimals than USD allows (2)")]
    [InlineData("100.5", "JPY", "more decimals than JPY allows (0)")]
    [InlineData("1.2345", "KWD", "more decimals than KWD allows (3)")]
    public void FromMajor_ExcessPrecision_IsRefusedNotRounded(string major, string currency, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Money.FromMajor(decimal.Parse(major, System.Globalization.CultureInfo.InvariantCulture), currency));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("never rounds", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("US")]
    [InlineData("USDT")]
    [InlineData("XAU")]
    [InlineData("HRK")]
    public void FromMinorUnits_UnknownCurrency_IsRefused(string currency)
    {
        var error = Assert.Throws<ArgumentException>(() => Money.FromMinorUnits(100, currency));
        Assert.Contains("is not an active ISO 4217 currency code", error.Message, StringComparison.Ordinal);
        Assert.Equal("currency", error.ParamName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void FromMinorUnits_MissingCurrency_SaysACurrencyIsRequired(string? currency)
    {
        var error = Assert.Throws<ArgumentException>(() => Money.FromMinorUnits(100, currency!));
        Assert.Contains("currency is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Money.FromMinorUnits(-1, "USD"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Money.FromMajor(-0.01m, "USD"));
    }

    [Fact]
    public void MajorUnits_RoundTrips()
    {
        Assert.Equal(25.99m, Money.FromMinorUnits(2599, "USD").MajorUnits);
        Assert.Equal(12497m, Money.FromMinorUnits(12497, "JPY").MajorUnits);
        Assert.Equal(1.5m, Money.FromMinorUnits(1500, "KWD").MajorUnits);
    }

    [Fact]
    public void Equality_ComparesMinorUnitsAndCurrency()
    {
        Assert.Equal(Money.FromMajor(25.99m, "usd"), Money.FromMinorUnits(2599, "USD"));
        Assert.NotEqual(Money.FromMinorUnits(2599, "USD"), Money.FromMinorUnits(2599, "EUR"));
        Assert.Equal("2599 USD", Money.FromMinorUnits(2599, "USD").ToString());
    }

    [Fact]
    public void DefaultMoney_CannotBeUsedAsAnAmount()
    {
        var error = Assert.Throws<ArgumentException>(() => new ContentsData { Amount = default(Money) });
        Assert.Contains("Money.FromMinorUnits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsKnownCurrency_CoversTheIsoTable()
    {
        Assert.True(Money.IsKnownCurrency("usd"));
        Assert.True(Money.IsKnownCurrency("XCG"));
        Assert.False(Money.IsKnownCurrency("ANG"));
        Assert.False(Money.IsKnownCurrency(null));
        Assert.True(Iso4217.Codes.Count > 150);
    }
}
