using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The one path of every server-leg event, whoever records it (a request, a circuit, a background job, or
/// <see cref="IConversionEventSink"/>, which it implements): the server leg on or off, validation (with the age window
/// <see cref="ConversionEventRecord.MaxAge"/>), the pixels it goes to, its record written once (and its match keys
/// counted once, whatever the number of pixels), and each pixel's record
/// handed to the <see cref="IConversionEventStore"/>. The event arrives enriched (<see cref="RequestEventFactory"/> for a
/// request's events; complete for <see cref="IConversionEventSink"/>). Never waits on the network.
/// </summary>
/// <remarks>Reads <see cref="IOptions{TOptions}"/>: whether the server leg is on is fixed for the process's life.</remarks>
internal sealed class ConversionEventPipeline(IOptions<OaiqTrackingOptions> options, IServiceProvider services, IConversionEventStore store, PixelDirectory pixels, TimeProvider time, ConversionsApiInstrumentation metrics, ILogger<ConversionEventPipeline> logger)
    : IConversionEventSink
{
    /// <summary>Why the server leg is off, or <see langword="null"/> when it is on.</summary>
    public string? OffReason { get; } = OffReasonFor(options.Value, OaiqOptionKeys.Resolve(services));

    /// <summary>Whether tracking is off for want of a pixel id (said at start-up by log 70, not by the sender).</summary>
    public bool LacksPixelId { get; } = options.Value.LacksPixelId;

    /// <inheritdoc />
    public bool IsEnabled => OffReason is null;

    /// <inheritdoc />
    /// <remarks>An event not aimed at one pixel (<see cref="ConversionEvent.ForPixel"/>) goes to every configured pixel; it is kept on its own, in no request's unit of work.</remarks>
    public bool TryEnqueue(ConversionEvent conversionEvent)
    {
        ArgumentNullException.ThrowIfNull(conversionEvent);
        return Submit(conversionEvent, [], request: null);
    }

    /// <summary>Checks an event, writes its record once and hands one record per pixel to the store.</summary>
    /// <param name="conversionEvent">The enriched event.</param>
    /// <param name="pixelIds">
    /// The pixels an event not aimed at one pixel goes to (the page's, in <c>init</c> order); empty for every configured
    /// pixel. Each gets a record with the event's id: each pixel deduplicates on its own (spec §5).
    /// </param>
    /// <param name="request">The request whose unit of work the event belongs to, or <see langword="null"/> (see <see cref="IConversionEventStore.TryStore"/>).</param>
    /// <returns>Whether the store kept a record for at least one pixel.</returns>
    public bool Submit(ConversionEvent conversionEvent, IReadOnlyList<string> pixelIds, HttpContext? request)
    {
        if (OffReason is not null)
        {
            return false;
        }

        var errors = ConversionEventValidator.Validate(conversionEvent, time.GetUtcNow(), ConversionEventRecord.MaxAge);
        var targets = conversionEvent.PixelId is not null ? null : pixelIds.Count > 0 ? pixelIds : pixels.ConfiguredPixelIds();
        if (errors.Count > 0 || targets is { Count: 0 })
        {
            metrics.Dropped(DropReason.Invalid);
            if (logger.IsEnabled(LogLevel.Warning))
            {
                var why = errors.Count > 0 ? string.Join("; ", errors) : "it is aimed at no pixel (ConversionEvent.ForPixel) and no PixelId or Pixels is configured";
                ConversionsApiLog.EventInvalid(logger, conversionEvent.Id, conversionEvent.Event.Name, why);
            }

            return false;
        }

        var record = ConversionEventRecord.Create(conversionEvent, conversionEvent.PixelId ?? targets![0]);
        metrics.MatchKeys(record.EventType, record.MatchKeys);
        var accepted = Store(conversionEvent, record, request);
        for (var i = 1; i < (targets?.Count ?? 0); i++)
        {
            accepted |= Store(conversionEvent, record.ForPixel(targets![i]), request);
        }

        return accepted;
    }

    private bool Store(ConversionEvent conversionEvent, ConversionEventRecord record, HttpContext? request)
    {
        try
        {
            return store.TryStore(conversionEvent, record, request);
        }
        catch (Exception ex)
        {
            // A store must not throw; a faulty one must still not fail the page.
            Log.StoreFailed(logger, conversionEvent.Event.Name, ex);
            return false;
        }
    }

    private static string? OffReasonFor(OaiqTrackingOptions value, OaiqOptionKeys keys)
    {
        var anyKey = value.HasAnyApiKey || value.HasPixelResolver;
        return !value.Enabled ? $"{keys.Key("Enabled")} is false"
            : value.LacksPixelId ? $"no {keys.Key("PixelId")} is set"
            : !OaiqFeatureSwitches.IsConversionsApiSupported ? OaiqFeatureSwitches.ConversionsApiOffReason
            : !anyKey ? $"no {keys.Key("ConversionsApi:ApiKey")} is set"
            : null;
    }
}
