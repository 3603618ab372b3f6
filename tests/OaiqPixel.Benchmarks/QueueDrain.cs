using System.Diagnostics.CodeAnalysis;
using OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>What the benchmarks do with the in-memory queue in place of a sender: drain it, and compact its backlog.</summary>
internal static class QueueDrain
{
    /// <summary>Takes the oldest record of the first pixel that has one.</summary>
    public static bool TryTake(this ConversionEventQueue queue, [NotNullWhen(true)] out ConversionEventRecord? record)
    {
        foreach (var lane in queue.Lanes)
        {
            if (lane.Backlog.TryTake(out record))
            {
                return true;
            }
        }

        record = null;
        return false;
    }

    /// <summary>Compacts the backlog now, to measure the memory a backlog holds once compacted.</summary>
    public static void CompactBacklog(this ConversionEventQueue queue)
    {
        foreach (var lane in queue.Lanes)
        {
            lane.Backlog.CompactNow();
        }
    }
}
