using Microsoft.Extensions.Time.Testing;

namespace OaiqPixel.Sandbox.Tests;

/// <summary>A row says at once why a leg will not come, instead of "pending" until the grace period ends.</summary>
public sealed class SandboxRowsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void NotSentReason_ReplacesPending_AtOnce()
    {
        // Arrange
        var sandbox = new OaiqSandbox(_time);
        sandbox.Add([Call("view_1", "page_viewed"), Call("view_2", "page_viewed")]);

        // Act
        sandbox.NoteNotSent("view_1", "not sent: a bot's user agent — log 40");
        sandbox.NoteNotSent("view_1", "not sent: the server leg did not take it (off, or no key for its pixel) — log 6");
        var rows = sandbox.BuildRows().ToDictionary(r => r.Id);

        // Assert: the first reason given is the one shown; an id without one still waits for its server leg.
        Assert.Equal(["not sent: a bot's user agent — log 40"], rows["view_1"].Problems);
        Assert.Equal(["server leg pending (the sender flushes every few seconds)"], rows["view_2"].Problems);
    }

    [Fact]
    public void ServerLegOff_SaysSoForEveryRowWithoutAServerLeg()
    {
        // Arrange
        var sandbox = new OaiqSandbox(_time);
        sandbox.Add([Call("order_1", "order_created")]);

        // Act
        sandbox.NoteServerLegOff("no Oaiq:ConversionsApi:ApiKey");
        var row = Assert.Single(sandbox.BuildRows());

        // Assert
        Assert.Equal(["not sent: the server leg is off (no Oaiq:ConversionsApi:ApiKey) — log 100"], row.Problems);
    }

    [Fact]
    public void MeasureTheSdkDropped_IsARow_SayingWhy()
    {
        // Arrange: consent false drops a measure; a measureSingle for a pixel the page did not initialize is lost.
        var sandbox = new OaiqSandbox(_time);
        sandbox.Add([
            new SandboxBrowserCall("p1", "/", "measure", "items_added", "evt_no_consent", null, true, "[]", _time.GetUtcNow(), ["px_1"]),
            new SandboxBrowserCall("p1", "/", "measureSingle", "order_created", "order_7", null, true, "[]", _time.GetUtcNow(), []),
        ]);

        // Act
        var rows = sandbox.BuildRows().ToDictionary(r => r.Id);

        // Assert
        Assert.Equal(["not sent: consent not given, so neither leg (the SDK dropped it) — log 4"], rows["evt_no_consent"].Problems);
        Assert.Equal(["not sent: the page did not initialize this pixel, so the SDK lost it — log 82"], rows["order_7"].Problems);
        Assert.Equal(0, rows["order_7"].BrowserCount);
    }

    [Fact]
    public void Clear_ForgetsNotSentReasons()
    {
        // Arrange
        var sandbox = new OaiqSandbox(_time);
        sandbox.NoteNotSent("view_1", "not sent: a bot's user agent — log 40");

        // Act
        sandbox.Clear();
        sandbox.Add([Call("view_1", "page_viewed")]);

        // Assert
        Assert.Equal(["server leg pending (the sender flushes every few seconds)"], Assert.Single(sandbox.BuildRows()).Problems);
    }

    private SandboxBrowserCall Call(string id, string name) =>
        new("p1", "/", "measure", name, id, null, false, "[]", _time.GetUtcNow(), ["px_1"]);
}
