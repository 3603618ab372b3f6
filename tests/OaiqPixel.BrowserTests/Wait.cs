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

    /// <summary>Waits for a navigation to land on <paramref name="urlGlob"/>; on a timeout, says where the browser is instead.</summary>
    public static Task ForUrlAsync(IPage page, string urlGlob) => ForUrlAsync(page, urlGlob, () => page.WaitForURLAsync(urlGlob));

    /// <summary>Waits for a navigation to land on a URL matching <paramref name="url"/>; on a timeout, says where the browser is instead.</summary>
    public static Task ForUrlAsync(IPage page, Regex url) => ForUrlAsync(page, url.ToString(), () => page.WaitForURLAsync(url));

    private static async Task ForUrlAsync(IPage page, string expected, Func<Task> wait)
    {
        try
        {
            await wait();
        }
        catch (TimeoutException ex)
        {
            // A bare Playwright timeout says nothing about the page the browser did reach (an error page? no navigation?).
            var text = await BodyTextAsync(page);
            Assert.Fail($"Expected the browser at {expected}; it is at {page.Url}, showing: {text} ({ex.Message.Split('\n')[0]})");
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
