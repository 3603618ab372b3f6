using Microsoft.AspNetCore.Http;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// The server leg's <see cref="IConversionEventStore"/> with the outbox on. Only the outbox's own decisions: which
/// events it keeps (<see cref="OutboxRouting.Keeps"/>; the others go to the in-memory queue), the durable write — a
/// request's record joins the request's <see cref="OutboxRequestSession"/> (the app's save commits it), any other record is
/// written in the background in a transaction of its own (<see cref="OutboxBackgroundWriter"/>: the caller never waits on
/// the database) — and the in-memory queue when the database refuses.
/// </summary>
internal sealed class OutboxStore(OutboxRouting routing, OutboxBackgroundWriter background, OutboxSessionServices services) : IConversionEventStore
{
    public bool TryStore(ConversionEvent conversionEvent, ConversionEventRecord record, HttpContext? request)
    {
        if (!routing.Keeps(conversionEvent))
        {
            return routing.Memory.TryStore(conversionEvent, record, request);
        }

        if (request is not null)
        {
            OutboxRequestSession.GetOrCreate(request, services).Enlist(conversionEvent, record);
            return true;
        }

        return background.TryWrite(conversionEvent, record);
    }
}
