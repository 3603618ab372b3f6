using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OaiqPixel.BrowserTests;

/// <summary>The browser's own answer to "which page is loaded", awaited with the shared <see cref="Wait"/>.</summary>
internal static class PageWait
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    /// <summary>Waits until the browser shows the page at <paramref name="path"/>, fully loaded; on a timeout, says where it is instead.</summary>
    public static Task ForPageAsync(IPage page, string path) => ForPageAsync(page, path, actual => actual == path);

    /// <summary>Waits until the browser shows a page whose path matches <paramref name="path"/>, fully loaded; on a timeout, says where it is instead.</summary>
    public static Task ForPageAsync(IPage page, Regex path) => ForPageAsync(page, path.ToString(), path.IsMatch);

    // Asks the browser itself rather than using WaitForURLAsync: Playwright .NET checks its client-side copy of the URL
    // and load state and only then subscribes to their events, so an event delivered in between is lost and the wait
    // times out on a page that loaded long ago (microsoft/playwright-dotnet#3364; CI hit it on a page showing the URL it
    // waited for). readyState "complete" is set just before `load`, after the async pixel script has run.
    private static Task ForPageAsync(IPage page, string expected, Func<string, bool> matches)
    {
        var state = "(not asked yet)";
        return Wait.UntilAsync(
            async () =>
            {
                try
                {
                    state = await page.EvaluateAsync<string>("() => document.readyState + ' ' + location.pathname");
                }
                catch (PlaywrightException)
                {
                    // The document was replaced while the question was asked (a navigation committed): ask the new one.
                    return false;
                }

                var separator = state.IndexOf(' ', StringComparison.Ordinal);
                return state[..separator] == "complete" && matches(state[(separator + 1)..]);
            },
            $"the browser at {expected}, loaded",
            async () => $"it is at {page.Url} ({state}), showing: {await BodyTextAsync(page)}",
            s_timeout);
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
