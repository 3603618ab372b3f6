using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// The outbox's own routing decisions: which events it keeps (<see cref="OaiqOutboxOptions.IncludeViewEvents"/>,
/// <see cref="OaiqOutboxOptions.EventFilter"/>), and the in-memory queue for a record the database refused. The rules
/// before that (validation, the age window, the pixels, the record) are the core pipeline's.
/// </summary>
internal sealed class OutboxRouting(
    IOptionsMonitor<OaiqOutboxOptions> outbox,
    [FromKeyedServices(IConversionEventStore.InMemoryKey)] IConversionEventStore memory,
    IServiceProvider services,
    OutboxInstrumentation metrics,
    ILogger<OutboxRouting> logger)
{
    /// <summary>The age past which a record is not sent: the core's <see cref="ConversionEventRecord.MaxAge"/>.</summary>
    public static TimeSpan MaxEventAge => ConversionEventRecord.MaxAge;

    /// <summary>The in-memory queue: the events the outbox does not keep, and what the database refused.</summary>
    public IConversionEventStore Memory { get; } = memory;

    /// <summary>Whether the server leg takes events at all (tracking on, a key and a pixel set), as the core's pipeline says.</summary>
    // Asked of the pipeline when needed: the pipeline itself is built on the outbox's store.
    public bool IsEnabled => services.GetRequiredService<IConversionEventSink>().IsEnabled;

    /// <summary>Whether the outbox keeps <paramref name="conversionEvent"/> rather than the in-memory queue.</summary>
    public bool Keeps(ConversionEvent conversionEvent)
    {
        var options = outbox.CurrentValue;
        if (options.EventFilter is { } filter)
        {
            return filter(conversionEvent);
        }

        return options.IncludeViewEvents
            || conversionEvent.Event.Name is not (OaiqEventNames.PageViewed or OaiqEventNames.ContentsViewed);
    }

    /// <summary>The database refused the write: the in-memory queue takes the record (not durable), so the conversion is not lost outright.</summary>
    public bool FallBack(ConversionEvent conversionEvent, ConversionEventRecord record, Exception exception)
    {
        OutboxLog.WriteFailed(logger, exception, conversionEvent.Event.Name, conversionEvent.Id);
        metrics.FellBack();
        return Memory.TryStore(conversionEvent, record, request: null);
    }
}
