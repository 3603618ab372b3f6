using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// The server leg's <see cref="IConversionEventStore"/> with the outbox on. Only the outbox's own decisions: which
/// events it keeps (<see cref="OutboxRouting.Keeps"/>; the others go to the in-memory queue), the durable write — a
/// request's record joins the request's <see cref="OutboxRequestSession"/> (the app's save commits it), any other record is
/// saved at once in a transaction of its own — and the in-memory queue when the database refuses.
/// </summary>
internal sealed class OutboxStore(OutboxRouting routing, OutboxWriter writer, OutboxSessionServices services, ILogger<OutboxStore> logger) : IConversionEventStore
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

        try
        {
            writer.Save([record], OutboxInstrumentation.WriteAtOnce);
            OutboxLog.SavedAtOnce(logger, conversionEvent.Event.Name, conversionEvent.Id);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return routing.FallBack(conversionEvent, record, ex);
        }
    }
}
