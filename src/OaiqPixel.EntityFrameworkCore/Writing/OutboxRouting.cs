using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// Decides which events the outbox keeps (<see cref="OaiqOutboxOptions.IncludeViewEvents"/>,
/// <see cref="OaiqOutboxOptions.EventFilter"/>), checks them as the in-memory queue would, writes their records, and
/// hands an event to the in-memory queue when the database refuses it.
/// </summary>
internal sealed class OutboxRouting
{
    /// <summary>Events older than this are refused, as the in-memory queue does: 10 minutes before the API's 7-day limit.</summary>
    public static readonly TimeSpan MaxEventAge = ConversionEventValidator.MaxAge - TimeSpan.FromMinutes(10);

    private readonly IOptionsMonitor<OaiqOutboxOptions> _outbox;
    private readonly TimeProvider _time;
    private readonly OutboxInstrumentation _metrics;
    private readonly ILogger _logger;
    private readonly string _pixelId;

    public OutboxRouting(
        IOptions<OaiqTrackingOptions> tracking,
        IOptionsMonitor<OaiqOutboxOptions> outbox,
        [FromKeyedServices(ConversionEventSinkKeys.InMemoryQueue)] IConversionEventSink memory,
        TimeProvider time,
        OutboxInstrumentation metrics,
        ILogger<OutboxRouting> logger)
    {
        _outbox = outbox;
        Memory = memory;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        // An event not aimed at one pixel and recorded outside a request (a request's events come one copy per pixel).
        _pixelId = (tracking.Value.PixelId ?? tracking.Value.Pixels.FirstOrDefault()?.PixelId)?.Trim() ?? string.Empty;
    }

    /// <summary>The in-memory queue: views, and what the database refused.</summary>
    public IConversionEventSink Memory { get; }

    /// <summary>Whether the server leg takes events at all (tracking on, a key and a pixel set), as the in-memory queue says.</summary>
    public bool IsEnabled => Memory.IsEnabled;

    /// <summary>Whether <paramref name="conversionEvent"/> goes through the outbox rather than the in-memory queue.</summary>
    public bool UsesOutbox(ConversionEvent conversionEvent)
    {
        var options = _outbox.CurrentValue;
        if (options.EventFilter is { } filter)
        {
            return filter(conversionEvent);
        }

        return options.IncludeViewEvents
            || conversionEvent.Event.Name is not (OaiqEventNames.PageViewed or OaiqEventNames.ContentsViewed);
    }

    /// <summary>Checks the event and writes its record; <see langword="null"/> (logged, counted) when it is invalid.</summary>
    public ConversionEventRecord? Accept(ConversionEvent conversionEvent)
    {
        var errors = ConversionEventValidator.Validate(conversionEvent, _time.GetUtcNow(), MaxEventAge);
        if (errors.Count == 0)
        {
            return ConversionEventRecord.Create(conversionEvent, conversionEvent.PixelId ?? _pixelId);
        }

        _metrics.Dropped(1, "invalid");
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            OutboxLog.EventInvalid(_logger, conversionEvent.Event.Name, conversionEvent.Id, string.Join("; ", errors));
        }

        return null;
    }

    /// <summary>The database refused the write: the in-memory queue takes the event (not durable), so the conversion is not lost outright.</summary>
    public bool FallBack(ConversionEvent conversionEvent, Exception exception)
    {
        OutboxLog.WriteFailed(_logger, exception, conversionEvent.Event.Name, conversionEvent.Id);
        _metrics.FellBack();
        return Memory.TryEnqueue(conversionEvent);
    }
}
