using Microsoft.AspNetCore.Http;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// The server leg of the events a request records (<c>ConversionEventSinkKeys.RequestEvents</c>): conversions join the
/// request's <see cref="OutboxRequestSession"/> (the app's next <c>SaveChanges</c> commits them with its own changes);
/// views (by default) go to the in-memory queue; outside a request, the event is written in the background (<see cref="OutboxSink"/>).
/// </summary>
internal sealed class OutboxRequestSink(IHttpContextAccessor accessor, OutboxRouting routing, OutboxSink atOnce, OutboxSessionServices services) : IConversionEventSink
{
    public bool IsEnabled => routing.IsEnabled;

    public bool TryEnqueue(ConversionEvent conversionEvent)
    {
        ArgumentNullException.ThrowIfNull(conversionEvent);
        if (accessor.HttpContext is not { } httpContext)
        {
            return atOnce.TryEnqueue(conversionEvent);
        }

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

        OutboxRequestSession.GetOrCreate(httpContext, services).Enlist(conversionEvent, record);
        return true;
    }
}
