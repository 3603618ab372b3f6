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
}
