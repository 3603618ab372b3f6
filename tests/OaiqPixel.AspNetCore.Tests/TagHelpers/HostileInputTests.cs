using System.Text.Json;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.TagHelpers;

public sealed class HostileInputTests
{
    private const string Breakout = "</script><script>alert(1)</script>";
    private static readonly string s_hostile = Breakout + "\"'`\u2028\u2029\r\n<!--" + new string('x', 10_240);

    [Fact]
    public async Task RecordedEvents_WithHostileValues_CannotBreakOutOfTheScript()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        app.Scenario.Record = (tracker, _) =>
        {
            tracker.Track(OaiqEvent.ContentsViewed(new ContentsData { Contents = [new Content { Id = s_hostile, Name = s_hostile, ContentType = s_hostile }] }),
                "id" + Breakout + "\"'");
            tracker.Track(OaiqEvent.Custom("quote_requested", new CustomData { PlanId = s_hostile }.WithProperty("note", s_hostile)));
        };

        // Act
        var response = await app.CreateClient().GetAsync("/page?oppref=" + Uri.EscapeDataString(Breakout));
        var document = await TestApp.ParseAsync(response);

        // Assert
        var script = Assert.Single(document.QuerySelectorAll("script"));
        var text = script.TextContent;
        Assert.DoesNotContain("</script", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<!--", text);
        Assert.DoesNotContain('\u2028', text);
        Assert.DoesNotContain('\r', text);
        Assert.Contains("\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E", text);
        Assert.Contains("{\"event_id\":\"id\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E\\u0022\\u0027\"}", text);
        // Custom properties are Conversions API only: never in the page.
        Assert.DoesNotContain("note", text);
        Assert.NotNull(document.QuerySelector("body > #page"));

        // Each measure call is valid JSON arguments that decode back to the original values.
        var calls = PixelCall.Parse(text);
        Assert.Equal(4, calls.Count);
        Assert.Equal(s_hostile, calls[2].Arguments[2].GetProperty("contents")[0].GetProperty("name").GetString());
        Assert.Equal(s_hostile, app.Sink.Events.Single(e => e.Event.Name == "custom").Event.Data is CustomData data ? data.PlanId : null);
    }

    [Fact]
    public async Task EventTag_WithHostileAttributes_CannotBreakOutAndDoesNotFail()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        var query = "?id=" + Uri.EscapeDataString("ev" + Breakout) + "&cid=" + Uri.EscapeDataString(s_hostile) + "&cname=" + Uri.EscapeDataString(s_hostile) + "&plan=" + Uri.EscapeDataString(s_hostile);

        // Act
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/event-tag" + query));

        // Assert
        var text = Assert.Single(document.QuerySelectorAll("script")).TextContent;
        Assert.DoesNotContain("</script", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(4, PixelCall.Lines(text).Count);
        Assert.NotNull(document.QuerySelector("body > #page"));
    }

    [Fact]
    public async Task EventTag_WithInvalidAttributes_LogsAndStillRendersThePage()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act: an id with white space is a developer error.
        var document = await TestApp.ParseAsync(await app.CreateClient().GetAsync("/event-tag?id=" + Uri.EscapeDataString("bad id\r\n")));

        // Assert
        Assert.NotNull(document.QuerySelector("#page"));
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Id == 13);
        Assert.DoesNotContain(app.Sink.Events, e => e.Event.Name == "contents_viewed");
    }
}
