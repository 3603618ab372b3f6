using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.TagHelpers;

namespace OaiqPixel.AspNetCore.Tests.Components;

/// <summary>The <c>amount</c> attribute and parameter: what the author wrote, in every culture, never rounded.</summary>
public sealed class MajorAmountTests
{
    public static TheoryData<object, decimal> Accepted => new()
    {
        { 89.99, 89.99m },            // amount="89.99" in a view: a double literal
        { 89.99f, 89.99m },
        { 0.1 + 0.2, 0.30000000000000004m }, // exactly the double, so Money refuses it rather than round
        { 8999, 8999m },
        { 25L, 25m },
        { 129.50m, 129.50m },
        { "89.99", 89.99m },
        { " 1000.5 ", 1000.5m },
        { 1e-5, 0.00001m },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Parse_ReadsTheValueAsWritten(object value, decimal expected) =>
        Assert.Equal(expected, MajorAmount.Parse(value, "amount"));

    [Theory]
    [InlineData("89,99")]
    [InlineData("1,000.50")]
    [InlineData("12 EUR")]
    [InlineData("")]
    public void Parse_TextWithoutADotDecimalPoint_IsRefusedNamingTheAttribute(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => MajorAmount.Parse(value, "amount"));
        Assert.Equal("amount", error.ParamName);
        Assert.Contains("decimal point", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Parse_NonFiniteDouble_IsRefused(double value) =>
        Assert.Throws<ArgumentException>(() => MajorAmount.Parse(value, "amount"));

    [Fact]
    public void Parse_InACommaCulture_StillReadsADotAsTheDecimalPoint()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            Assert.Equal(89.99m, MajorAmount.Parse("89.99", "amount"));
            Assert.Equal(89.99m, MajorAmount.Parse(89.99, "amount"));
            Assert.Throws<ArgumentException>(() => MajorAmount.Parse("89,99", "amount"));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void EventAttributes_DoubleAmount_BecomesExactMinorUnits_AndTooManyDecimalsAreRefused()
    {
        var exact = new OaiqEventTagHelper(NullLogger<OaiqEventTagHelper>.Instance) { Name = "contents_viewed", Amount = 89.99, Currency = "USD" }.BuildEvent();
        Assert.Equal(8999, ((ContentsData)exact.Data).Amount!.Value.MinorUnits);

        var tooPrecise = new OaiqEventTagHelper(NullLogger<OaiqEventTagHelper>.Instance) { Name = "contents_viewed", Amount = 0.1 + 0.2, Currency = "USD" };
        Assert.Contains("never rounds", Assert.Throws<ArgumentException>(() => tooPrecise.BuildEvent()).Message, StringComparison.Ordinal);
    }
}
