using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// The server leg's <see cref="IConversionEventStore"/> with the outbox on. Only the outbox's own decisions: which
/// events it keeps (<see cref="OaiqOutboxOptions.IncludeViewEvents"/>, <see cref="OaiqOutboxOptions.EventFilter"/>; the
/// others go to the in-memory queue), and the durable write — a request's record joins the request's
/// <see cref="OutboxRequestSession"/> (the app's save commits it), any other record is written in the background in a
/// transaction of its own (<see cref="OutboxBackgroundWriter"/>: the caller never waits on the database).
/// </summary>
internal sealed class OutboxStore(
    IOptionsMonitor<OaiqOutboxOptions> outbox,
    [FromKeyedServices(IConversionEventStore.InMemoryKey)] IConversionEventStore memory,
    OutboxBackgroundWriter background,
    OutboxSessionServices services) : IConversionEventStore
{
    public bool TryStore(ConversionEvent conversionEvent, ConversionEventRecord record, HttpContext? request)
    {
        if (!Keeps(conversionEvent))
        {
            return memory.TryStore(conversionEvent, record, request);
        }

        if (request is not null)
        {
            OutboxRequestSession.GetOrCreate(request, services).Enlist(conversionEvent, record);
            return true;
        }

        return background.TryWrite(conversionEvent, record);
    }

    private bool Keeps(ConversionEvent conversionEvent)
    {
        var options = outbox.CurrentValue;
        return options.EventFilter is { } filter
            ? filter(conversionEvent)
            : options.IncludeViewEvents || conversionEvent.Event.Name is not (OaiqEventNames.PageViewed or OaiqEventNames.ContentsViewed);
    }
}
