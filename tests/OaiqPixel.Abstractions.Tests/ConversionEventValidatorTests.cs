using Microsoft.Extensions.Time.Testing;

namespace OaiqPixel.Tests;

public class ConversionEventValidatorTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static ConversionEvent WebEvent(DateTimeOffset at) =>
        new(OaiqEvent.LeadCreated(), "lead_1", at) { SourceUrl = "https://shop.example.com/contact" };

    [Fact]
    public void ValidWebEvent_HasNoErrors() => Assert.Empty(ConversionEventValidator.Validate(WebEvent(s_now.AddDays(-6.9)), s_now));

    [Fact]
    public void OlderThanSevenDays_IsReported()
    {
        var error = Assert.Single(ConversionEventValidator.Validate(WebEvent(s_now.AddDays(-7).AddSeconds(-1)), s_now));
        Assert.Equal("timestamp_ms", error.Field);
        Assert.Contains("last 7 days", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxAge_CanKeepASafetyMargin()
    {
        var errors = ConversionEventValidator.Validate(WebEvent(s_now.AddDays(-6.99)), s_now, TimeSpan.FromDays(6.9));
        Assert.Equal("timestamp_ms", Assert.Single(errors).Field);
    }

    [Fact]
    public void MoreThanTenMinutesInTheFuture_IsReported()
    {
        Assert.Empty(ConversionEventValidator.Validate(WebEvent(s_now.AddMinutes(10)), s_now));
        var error = Assert.Single(ConversionEventValidator.Validate(WebEvent(s_now.AddMinutes(11)), s_now));
        Assert.Contains("in the future", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WebWithoutSourceUrl_IsReported()
    {
        var e = new ConversionEvent(OaiqEvent.LeadCreated(), "x", s_now) { ActionSource = ActionSource.Web };
        var error = Assert.Single(ConversionEventValidator.Validate(e, s_now));
        Assert.Equal("source_url", error.Field);
        Assert.Contains("web events require source_url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoActionSourceAndNoSourceUrl_IsReported()
    {
        var e = new ConversionEvent(OaiqEvent.LeadCreated(), "x", s_now);
        var error = Assert.Single(ConversionEventValidator.Validate(e, s_now));
        Assert.Equal("action_source", error.Field);
        Assert.Contains("set ActionSource", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OfflineWithoutSourceUrl_IsValid() =>
        Assert.Empty(ConversionEventValidator.Validate(new ConversionEvent(OaiqEvent.LeadCreated(), "x", s_now) { ActionSource = ActionSource.Offline }, s_now));

    [Theory]
    [InlineData(ActionSource.Web)]
    [InlineData(ActionSource.Offline)]
    public void AppEvent_WithoutMobileApp_IsReported(ActionSource source)
    {
        var e = new ConversionEvent(OaiqEvent.AppInstalled(), "x", s_now) { ActionSource = source, SourceUrl = "https://a.example/" };
        var error = Assert.Single(ConversionEventValidator.Validate(e, s_now));
        Assert.Equal("action_source", error.Field);
        Assert.Contains("require action_source 'mobile_app'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AppEvent_DefaultsToMobileApp()
    {
        var e = new ConversionEvent(OaiqEvent.AppOpened(), "x", s_now);
        Assert.Equal(ActionSource.MobileApp, e.EffectiveActionSource);
        Assert.Empty(ConversionEventValidator.Validate(e, s_now));
    }

    [Fact]
    public void SeveralProblems_AreAllReported()
    {
        var e = new ConversionEvent(OaiqEvent.AppOpened(), "x", s_now.AddDays(-8)) { ActionSource = ActionSource.Web };
        var fields = ConversionEventValidator.Validate(e, s_now).Select(error => error.Field).ToArray();
        Assert.Equal(["timestamp_ms", "action_source"], fields);
    }

    [Theory]
    [InlineData("/relative/path")]
    [InlineData("ftp://example.com/x")]
    [InlineData("not a url")]
    public void SourceUrl_MustBeAbsoluteHttp(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => new ConversionEvent(OaiqEvent.LeadCreated(), "x", s_now) { SourceUrl = url });
        Assert.Contains("absolute http(s) URL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a\r\nSet-Cookie: x")]
    [InlineData("abc\u00A0")] // white space outside ASCII
    [InlineData("abc\u0085")]
    public void Oppref_MustBeAnUnbrokenValue(string oppref)
    {
        var error = Assert.Throws<ArgumentException>(() => new ConversionEvent(OaiqEvent.LeadCreated(), "x", s_now) { Oppref = oppref });
        Assert.DoesNotContain(oppref.Length > 0 ? oppref : "\u0000", error.Message, StringComparison.Ordinal);
        Assert.False(ConversionEvent.IsValidOppref(oppref));
    }

    [Fact]
    public void Oppref_WithALoneSurrogate_IsRefused()
    {
        // Built here: an attribute argument stores strings as UTF-8, which turns a lone surrogate into U+FFFD.
        var oppref = "abc" + '\ud800';
        Assert.False(ConversionEvent.IsValidOppref(oppref));
        Assert.Throws<ArgumentException>(() => new ConversionEvent(OaiqEvent.LeadCreated(), "x", s_now) { Oppref = oppref });
        Assert.True(ConversionEvent.IsValidOppref("abc" + '\ud83d' + '\ude00'));
    }

    [Theory]
    [InlineData("oppref_abc-123.XYZ~")]
    [InlineData("clé_été")] // not ASCII, no white space: the original string is kept as it is (spec §4.2)
    [InlineData("ref_😀")]
    public void Oppref_KeepsAnyUnbrokenValue(string oppref)
    {
        Assert.True(ConversionEvent.IsValidOppref(oppref));
        Assert.Equal(oppref, new ConversionEvent(OaiqEvent.LeadCreated(), "x", s_now) { Oppref = oppref }.Oppref);
    }

    [Fact]
    public void Create_StampsTheTimeFromTheTimeProvider_AndGeneratesAnId()
    {
        var clock = new FakeTimeProvider(s_now);
        var e = ConversionEvent.Create(OaiqEvent.PageViewed(), clock);
        Assert.Equal(s_now, e.Timestamp);
        Assert.StartsWith("evt_", e.Id, StringComparison.Ordinal);
        Assert.Equal("order_9", ConversionEvent.Create(OaiqEvent.PageViewed(), clock, "order_9").Id);
    }
}
