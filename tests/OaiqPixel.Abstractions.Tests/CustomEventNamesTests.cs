namespace OaiqPixel.Tests;

public class CustomEventNamesTests
{
    [Theory]
    [InlineData("quote_requested")]
    [InlineData("newsletter-signup")]
    [InlineData("a")]
    [InlineData("7")]
    [InlineData("a1_b-2")]
    public void Valid_Names_AreAccepted(string name)
    {
        Assert.True(CustomEventNames.TryValidate(name, out var error));
        Assert.Null(error);
        Assert.Equal(name, OaiqEvent.Custom(name).CustomEventName);
    }

    [Fact]
    public void SixtyFourCharacters_AreAccepted_SixtyFiveAreNot()
    {
        Assert.True(CustomEventNames.TryValidate(new string('a', 64), out _));
        Assert.False(CustomEventNames.TryValidate(new string('a', 65), out var error));
        Assert.Contains("the limit is 64", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "1-64 characters")]
    [InlineData(null, "1-64 characters")]
    [InlineData("QuoteRequested", "use 'quoterequested'")]
    [InlineData("Newsletter_Signup", "pixel silently drops")]
    [InlineData("_leading", "start and end with a letter or digit")]
    [InlineData("trailing-", "start and end with a letter or digit")]
    [InlineData("has space", "contains ' '")]
    [InlineData("dot.name", "contains '.'")]
    [InlineData("caf\u00e9", "contains '\u00e9'")]
    [InlineData("order_created", "is a standard event name")]
    [InlineData("page_viewed", "is a standard event name")]
    [InlineData("custom", "is a standard event name")]
    [InlineData("line\nbreak", "contains '?'")]
    public void Invalid_Names_AreRefusedWithTheRule(string? name, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => OaiqEvent.Custom(name!));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("customEventName", error.ParamName);
    }
}
