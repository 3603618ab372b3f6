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
        ConfiguredPixelIds = ListConfiguredPixels(tracking.Value);
    }

    /// <summary>
    /// Where an event not aimed at one pixel goes, as for the in-memory queue: every configured pixel (<c>PixelId</c>,
    /// then <c>Pixels</c>), trimmed, each once. A request's events come one copy per page pixel, or as they are when the
    /// page's one pixel is the one configured.
    /// </summary>
    public IReadOnlyList<string> ConfiguredPixelIds { get; }

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
        if (conversionEvent.PixelId is null && ConfiguredPixelIds.Count == 0)
        {
            _metrics.Dropped(1, "invalid");
            OutboxLog.EventInvalid(_logger, conversionEvent.Event.Name, conversionEvent.Id, "it is aimed at no pixel (ConversionEvent.ForPixel) and no Oaiq:PixelId or Oaiq:Pixels is configured");
            return null;
        }

        var errors = ConversionEventValidator.Validate(conversionEvent, _time.GetUtcNow(), MaxEventAge);
        if (errors.Count == 0)
        {
            // The sinks hand each pixel its own copy when there are several (see ConfiguredPixelIds).
            return ConversionEventRecord.Create(conversionEvent, conversionEvent.PixelId ?? ConfiguredPixelIds[0]);
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

    /// <summary>Whether the event must be split into one copy per configured pixel before it is written.</summary>
    public bool GoesToSeveralPixels(ConversionEvent conversionEvent) => conversionEvent.PixelId is null && ConfiguredPixelIds.Count > 1;

    private static string[] ListConfiguredPixels(OaiqTrackingOptions options)
    {
        var ids = new List<string>(1 + options.Pixels.Count);
        if (!string.IsNullOrWhiteSpace(options.PixelId))
        {
            ids.Add(options.PixelId.Trim());
        }

        foreach (var pixel in options.Pixels)
        {
            var id = pixel?.PixelId?.Trim();
            // The tracking options validator has refused unusable ids at start-up; blank items are skipped as it reads them.
            if (!string.IsNullOrEmpty(id) && !ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return [.. ids];
    }
}
