using System.Diagnostics;
using System.Globalization;

/// <summary>
/// <see cref="BlazorPixelBenchmarks"/>' pages on a loaded machine (issue 21): bytes allocated per page by all threads
/// (the fewest of any round), and each page's fastest round (a round other jobs interrupt only gets slower), in interleaved
/// rounds, for an app with interactive Server components and for a static-rendering one.
/// </summary>
internal static class BlazorPageDriver
{
    private static readonly (string Name, bool Pixel, bool Event)[] Pages =
    [
        ("without the pixel", false, false),
        ("<OaiqPixel /> + one <OaiqEvent />", true, true),
        ("<OaiqPixel /> only", true, false),
        ("<OaiqEvent /> only", false, true),
    ];

    public static int Run(int rounds)
    {
        var bench = new BlazorPixelBenchmarks();
        bench.Setup();
        foreach (var interactiveServer in new[] { true, false })
        {
            if (!interactiveServer)
            {
                bench.UseApp(interactiveServer: false);
            }

            const int PerRound = 200;
            var bytes = new long[Pages.Length];
            var best = new double[Pages.Length];
            Array.Fill(bytes, long.MaxValue);
            Array.Fill(best, double.MaxValue);
            for (var round = -3; round < rounds; round++)
            {
                for (var page = 0; page < Pages.Length; page++)
                {
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    var start = Stopwatch.GetTimestamp();
                    for (var i = 0; i < PerRound; i++)
                    {
                        bench.Render(Pages[page].Pixel, Pages[page].Event);
                    }

                    var elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds / PerRound;
                    var allocated = (GC.GetTotalAllocatedBytes(precise: true) - before) / PerRound;
                    if (round >= 0)
                    {
                        // The fewest bytes of any round: a round in which the runtime grew a pool or a table pays once for all.
                        bytes[page] = Math.Min(bytes[page], allocated);
                        best[page] = Math.Min(best[page], elapsed);
                    }
                }
            }

            Console.WriteLine(interactiveServer ? "app with interactive Server components:" : "app with static rendering only:");
            for (var page = 0; page < Pages.Length; page++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {Pages[page].Name,-36} {bytes[page],7:N0} B ({bytes[page] - bytes[0],+7:N0})  fastest {best[page],7:F1} µs ({best[page] / best[0]:F2}x)"));
            }
        }

        return 0;
    }
}
