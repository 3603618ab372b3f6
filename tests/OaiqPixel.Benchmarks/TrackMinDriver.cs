using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// <see cref="TrackBenchmarks"/>' three cases timed on a loaded machine: many short rounds, each case's fastest round kept
/// (a round that other jobs interrupt only gets slower), and Track's extra time over the empty call given as a ratio.
/// </summary>
internal static class TrackMinDriver
{
    public static int Run(int rounds)
    {
        using var provider = TrackBenchmarks.BuildServices();
        var accessor = provider.GetRequiredService<IHttpContextAccessor>();
        var tracker = provider.CreateScope().ServiceProvider.GetRequiredService<IConversionTracker>();
        var queue = provider.GetRequiredService<ConversionEventQueue>();
        var order = TrackBenchmarks.Order();
        var pageView = OaiqEvent.PageViewed();
        const int PerRound = 2_000;
        var best = new[] { double.MaxValue, double.MaxValue, double.MaxValue };
        for (var round = 0; round < rounds; round++)
        {
            for (var kind = 0; kind < 3; kind++)
            {
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < PerRound; i++)
                {
                    NewRequest();
                    if (kind == 0)
                    {
                        Empty("order_42");
                    }
                    else
                    {
                        tracker.Track(kind == 1 ? order : pageView, "order_42");
                        queue.TryTake(out _);
                    }
                }

                best[kind] = Math.Min(best[kind], Stopwatch.GetElapsedTime(start).TotalNanoseconds / PerRound);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fastest of {rounds} rounds: EmptyCall {best[0]:F0} ns, Track {best[1]:F0} ns (extra {(best[1] - best[0]) / best[0]:F2}x), TrackPageView {best[2]:F0} ns (extra {(best[2] - best[0]) / best[0]:F2}x)"));
        return 0;

        void NewRequest() => accessor.HttpContext = TrackBenchmarks.NavigationRequest(provider);

        static string? Empty(string? eventId) => eventId;
    }
}
