using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OaiqPixel.BrowserTests;

internal static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, string what, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {seconds} s waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the browser shows the page at <paramref name="path"/>, fully loaded; on a timeout, says where it is instead.</summary>
    public static Task ForPageAsync(IPage page, string path) => ForPageAsync(page, path, actual => actual == path);

    /// <summary>Waits until the browser shows a page whose path matches <paramref name="path"/>, fully loaded; on a timeout, says where it is instead.</summary>
    public static Task ForPageAsync(IPage page, Regex path) => ForPageAsync(page, path.ToString(), path.IsMatch);

    // Asks the browser itself rather than using WaitForURLAsync: Playwright .NET checks its client-side copy of the URL
    // and load state and only then subscribes to their events, so an event delivered in between is lost and the wait
    // times out on a page that loaded long ago (microsoft/playwright-dotnet#3364; CI hit it on a page showing the URL it
    // waited for). readyState "complete" is set just before `load`, after the async pixel script has run.
    private static async Task ForPageAsync(IPage page, string expected, Func<string, bool> matches, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var state = "(not asked yet)";
        while (true)
        {
            try
            {
                state = await page.EvaluateAsync<string>("() => document.readyState + ' ' + location.pathname");
                var separator = state.IndexOf(' ', StringComparison.Ordinal);
                if (state[..separator] == "complete" && matches(state[(separator + 1)..]))
                {
                    return;
                }
            }
            catch (PlaywrightException)
            {
                // The document was replaced while the question was asked (a navigation committed): ask the new one.
            }

            if (DateTime.UtcNow > deadline)
            {
                var text = await BodyTextAsync(page);
                Assert.Fail($"Expected the browser at {expected}, loaded, within {seconds} s; it is at {page.Url} ({state}), showing: {text}");
            }

            await Task.Delay(25);
        }
    }

    private static async Task<string> BodyTextAsync(IPage page)
    {
        try
        {
            var text = await page.InnerTextAsync("body", new() { Timeout = 2_000 });
            return text.Length > 400 ? text[..400] + "…" : text;
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            return "(no body)";
        }
    }
}
