namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// The <see cref="IConversionEventSink"/> with the outbox on: an event handed to it directly (a webhook, a worker) is
/// written in the background in a transaction of its own (<see cref="OutboxBackgroundWriter"/>), so
/// <see cref="TryEnqueue"/> returning <see langword="true"/> means it is accepted: in the table within moments, unless the
/// process dies first; a database that refuses the write gets the event queued in memory instead. Views (by default) go
/// to the in-memory queue. The caller never waits on the database.
/// </summary>
internal sealed class OutboxSink(OutboxRouting routing, OutboxBackgroundWriter background) : IConversionEventSink
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

        return background.TryWrite(conversionEvent, record);
    }
}
