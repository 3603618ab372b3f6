using Microsoft.Extensions.Logging;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// The <see cref="IConversionEventSink"/> with the outbox on: an event handed to it directly (a webhook, a worker) is
/// saved at once in a transaction of its own, so <see cref="TryEnqueue"/> returning <see langword="true"/> means it is
/// durable; views (by default) go to the in-memory queue; a database that refuses the write gets the event queued in
/// memory instead. Unlike the in-memory queue it waits for one database write.
/// </summary>
internal sealed class OutboxSink(OutboxRouting routing, OutboxWriter writer, ILogger<OutboxSink> logger) : IConversionEventSink
{
    public bool IsEnabled => routing.IsEnabled;

    public bool TryEnqueue(ConversionEvent conversionEvent)
    {
        ArgumentNullException.ThrowIfNull(conversionEvent);
        if (!routing.IsEnabled || !routing.UsesOutbox(conversionEvent))
        {
            return routing.Memory.TryEnqueue(conversionEvent);
        }

        if (routing.GoesToSeveralPixels(conversionEvent))
        {
            // One record per configured pixel, each with the event's id (each pixel deduplicates on its own, spec §5).
            var accepted = false;
            foreach (var pixelId in routing.ConfiguredPixelIds)
            {
                accepted |= TryEnqueue(conversionEvent.ForPixel(pixelId));
            }

            return accepted;
        }

        if (routing.Accept(conversionEvent) is not { } record)
        {
            return false;
        }

        try
        {
            writer.Save([record], OutboxInstrumentation.WriteAtOnce);
            OutboxLog.SavedAtOnce(logger, conversionEvent.Event.Name, conversionEvent.Id);
            return true;
        }
        catch (Exception ex)
        {
            return routing.FallBack(conversionEvent, ex);
        }
    }
}
