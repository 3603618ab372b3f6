namespace OaiqPixel.Tests;

public class EventIdsTests
{
    [Fact]
    public void New_IsOpaqueUrlSafeAndUnique()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => EventIds.New()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id =>
        {
            Assert.Matches("^evt_[0-9a-hjkmnp-tv-z]{26}$", id);
            Assert.Equal(Uri.EscapeDataString(id), id);
        });
    }

    [Fact]
    public void New_UsesTheWholeAlphabet()
    {
        var chars = string.Concat(Enumerable.Range(0, 200).Select(_ => EventIds.New()[4..])).ToHashSet();
        Assert.Equal(32, chars.Count);
    }

    [Theory]
    [InlineData("order_42")]
    [InlineData("evt_01JX8M6K4Q7F9A2B3C5D6E7F8G")]
    [InlineData("a")]
    [InlineData("commande_été_42")] // not ASCII: checked character by character
    [InlineData("注文_42")]
    [InlineData("order_😀")] // a surrogate pair, not a lone surrogate
    public void Validate_AcceptsUsableIds(string id) => Assert.Equal(id, EventIds.Validate(id));

    [Theory]
    [InlineData("", "non-empty")]
    [InlineData("order 42", "white space")]
    [InlineData("order\r\n42", "white space or control")]
    [InlineData("a\u0001b", "control")]
    [InlineData("order\u00A042", "white space")] // no-break space: white space outside ASCII
    [InlineData("order\u2028", "white space")]
    [InlineData("a\u0085b", "control")]
    [InlineData("a\u007Fb", "control")]
    public void Validate_RefusesUnusableIds(string id, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => EventIds.Validate(id));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RefusesLoneSurrogates()
    {
        var error = Assert.Throws<ArgumentException>(() => EventIds.Validate("a" + '\ud800'));
        Assert.Contains("lone surrogate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RefusesOverlongIds()
    {
        Assert.Equal(256, EventIds.Validate(new string('x', 256)).Length);
        var error = Assert.Throws<ArgumentException>(() => EventIds.Validate(new string('x', 257)));
        Assert.Contains("limited to 256 characters", error.Message, StringComparison.Ordinal);
    }
}
