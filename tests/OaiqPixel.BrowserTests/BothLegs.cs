using OaiqPixel.Sandbox;

namespace OaiqPixel.BrowserTests;

/// <summary>Assertions over the sandbox's two legs, shared by the app-model tests.</summary>
internal static class BothLegs
{
    /// <summary>The measure calls the stub SDK reported, in order.</summary>
    public static List<SandboxBrowserCall> Measured(OaiqSandbox sandbox) =>
        [.. sandbox.BrowserCalls.Where(c => c.Command == "measure" && !c.Dropped)];

    /// <summary>Waits until every browser event has its server twin, then checks: one server event per id, same name, no id measured twice in the browser, nothing refused.</summary>
    public static async Task AssertPairedAsync(OaiqSandbox sandbox)
    {
        var measured = Measured(sandbox);
        await Wait.UntilAsync(() => measured.All(c => sandbox.ServerEvents.Any(e => e.Id == c.EventId)), "the server leg of every measured event");
        var server = sandbox.ServerEvents.Where(e => !e.ValidateOnly).ToList();
        Assert.All(measured, c => Assert.Equal(c.EventName, Assert.Single(server, e => e.Id == c.EventId).Type));
        Assert.Equal(measured.Count, measured.Select(c => c.EventId).Distinct().Count());

        // No server-only view: every page_viewed the API received was measured in the browser with its id.
        Assert.All(server.Where(e => e.Type == "page_viewed"), e => Assert.Contains(measured, c => c.EventId == e.Id));
        Assert.Empty(sandbox.Rejections);
    }
}
