using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The server leg's log messages (event ids 100–199, stable). They carry ids, event types, counts, status codes and the
/// API's error message only: never the API key, <c>oppref</c>, <c>obref</c> or personal data.
/// </summary>
internal static partial class ConversionsApiLog
{
    [LoggerMessage(EventId = 100, EventName = "ServerLegOff", Level = LogLevel.Information,
        Message = "OpenAI Ads Conversions API: server leg off ({Reason}); events reach OpenAI through the browser pixel only.")]
    public static partial void ServerLegOff(ILogger logger, string reason);

    [LoggerMessage(EventId = 101, EventName = "SenderStarted", Level = LogLevel.Information,
        Message = "OpenAI Ads Conversions API sender started: pixels {Pixels}, endpoint {Endpoint}, batches of up to {MaxBatchSize} every {FlushInterval}, queue of {MaxQueueSize} per pixel, validate_only {ValidateOnly}.")]
    public static partial void SenderStarted(ILogger logger, string pixels, string endpoint, int maxBatchSize, TimeSpan flushInterval, int maxQueueSize, bool validateOnly);

    [LoggerMessage(EventId = 102, EventName = "EventInvalid", Level = LogLevel.Warning,
        Message = "Conversion event {EventId} ({EventType}) was not queued for the Conversions API: {Errors}")]
    public static partial void EventInvalid(ILogger logger, string eventId, string eventType, string errors);

    [LoggerMessage(EventId = 103, EventName = "QueueFull", Level = LogLevel.Warning,
        Message = "The Conversions API queue is full ({Capacity} events): {Dropped} event(s) dropped since the last warning. The API is down or slower than the event rate; check the sender's logs or raise Oaiq:ConversionsApi:MaxQueueSize.")]
    public static partial void QueueFull(ILogger logger, int capacity, long dropped);

    [LoggerMessage(EventId = 104, EventName = "EventAfterShutdown", Level = LogLevel.Debug,
        Message = "Conversion event {EventId} ({EventType}) was not queued: the sender is shutting down.")]
    public static partial void EventAfterShutdown(ILogger logger, string eventId, string eventType);

    [LoggerMessage(EventId = 110, EventName = "BatchSent", Level = LogLevel.Debug,
        Message = "Sent {Count} event(s) to the Conversions API in {ElapsedMs:0} ms (status {StatusCode}).")]
    public static partial void BatchSent(ILogger logger, int count, double elapsedMs, int statusCode);

    [LoggerMessage(EventId = 111, EventName = "StaleEventDropped", Level = LogLevel.Warning,
        Message = "Dropped event {EventId} ({EventType}) before sending: it happened {Age} ago, past the Conversions API's 7-day window, and would make the API reject its whole batch. It is not sent (an in-memory queue forgets it, an outbox deletes its row).")]
    public static partial void StaleEventDropped(ILogger logger, string eventId, string eventType, TimeSpan age);

    [LoggerMessage(EventId = 112, EventName = "BatchRejected", Level = LogLevel.Warning,
        Message = "The Conversions API rejected a batch of {Count} events with {StatusCode}: {ErrorMessage} (x-request-id: {RequestId}). Splitting it to isolate the invalid event(s) and deliver the rest.")]
    public static partial void BatchRejected(ILogger logger, int count, int statusCode, string? errorMessage, string? requestId);

    [LoggerMessage(EventId = 113, EventName = "EventDeadLettered", Level = LogLevel.Error,
        Message = "Dead-lettered event {EventId} ({EventType}): the Conversions API rejected it with {StatusCode}: {ErrorMessage} (x-request-id: {RequestId}). It is not retried.")]
    public static partial void EventDeadLettered(ILogger logger, string eventId, string eventType, int statusCode, string? errorMessage, string? requestId);

    [LoggerMessage(EventId = 114, EventName = "Unauthorized", Level = LogLevel.Error,
        Message = "The Conversions API refused the key with {StatusCode}: {ErrorMessage} (x-request-id: {RequestId}). Check that Oaiq:ConversionsApi:ApiKey is a Conversions API key (Ads Manager, conversions tab, Manage conversion keys; usually sk-svcacct-...), not an Advertiser API key, which fails with 'Missing scopes: ads.third_party_events.write'; and that Oaiq:PixelId is the pixel the key belongs to. {Count} event(s) are kept and retried in {Delay}, or at once when the configuration changes (no restart needed).")]
    public static partial void Unauthorized(ILogger logger, int statusCode, string? errorMessage, string? requestId, int count, TimeSpan delay);

    [LoggerMessage(EventId = 115, EventName = "SendFailed", Level = LogLevel.Warning,
        Message = "Sending {Count} event(s) to the Conversions API failed after retries ({Reason}); they are kept and retried in {Delay}.")]
    public static partial void SendFailed(ILogger logger, int count, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 116, EventName = "UnexpectedStatus", Level = LogLevel.Error,
        Message = "The Conversions API answered {StatusCode}: {ErrorMessage} (x-request-id: {RequestId}). Check Oaiq:ConversionsApi:BaseAddress ({BaseAddress}) and Oaiq:PixelId. {Count} event(s) are kept and retried in {Delay}.")]
    public static partial void UnexpectedStatus(ILogger logger, int statusCode, string? errorMessage, string? requestId, Uri baseAddress, int count, TimeSpan delay);

    [LoggerMessage(EventId = 117, EventName = "Recovered", Level = LogLevel.Information,
        Message = "Conversions API delivery recovered after {Failures} failed attempt(s).")]
    public static partial void Recovered(ILogger logger, int failures);

    [LoggerMessage(EventId = 118, EventName = "DeadLetterCallbackFailed", Level = LogLevel.Error,
        Message = "Oaiq:ConversionsApi:OnDeadLetter threw for event {EventId} ({EventType}); the exception is ignored.")]
    public static partial void DeadLetterCallbackFailed(ILogger logger, Exception exception, string eventId, string eventType);

    [LoggerMessage(EventId = 119, EventName = "ShutdownEventsLost", Level = LogLevel.Error,
        Message = "The Conversions API sender stopped after its shutdown timeout ({Timeout}) with {Count} event(s) undelivered; they are lost. Raise Oaiq:ConversionsApi:ShutdownTimeout (and the host's ShutdownTimeout) if this recurs.")]
    public static partial void ShutdownEventsLost(ILogger logger, TimeSpan timeout, int count);

    [LoggerMessage(EventId = 120, EventName = "SenderStopped", Level = LogLevel.Information,
        Message = "OpenAI Ads Conversions API sender stopped; {Count} event(s) delivered during shutdown.")]
    public static partial void SenderStopped(ILogger logger, long count);

    [LoggerMessage(EventId = 121, EventName = "SenderLoopFailed", Level = LogLevel.Error,
        Message = "The Conversions API sender hit an unexpected error; it keeps its events and continues in {Delay}.")]
    public static partial void SenderLoopFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(EventId = 123, EventName = "ConfigurationChanged", Level = LogLevel.Debug,
        Message = "OaiqPixel's configuration changed: a batch waiting out a back-off is tried again now.")]
    public static partial void ConfigurationChanged(ILogger logger);

    [LoggerMessage(EventId = 122, EventName = "BatchSplit", Level = LogLevel.Debug,
        Message = "Splitting {Count} events into {Left} and {Right}{KnownBad}.")]
    public static partial void BatchSplit(ILogger logger, int count, int left, int right, string knownBad);

    [LoggerMessage(EventId = 130, EventName = "PixelWithoutKey", Level = LogLevel.Warning,
        Message = "Pixel {PixelId} has no Conversions API key ({Reason}): its events reach OpenAI through the browser pixel only, and are counted as dropped (no_api_key). Give it a key: its ApiKey in Oaiq:Pixels (or, from an IOaiqPixelResolver, on the OaiqPixelOptions its FindPixel returns), or Oaiq:ConversionsApi:ApiKey for every pixel. Said once per pixel.")]
    public static partial void PixelWithoutKey(ILogger logger, string pixelId, string reason);

    [LoggerMessage(EventId = 131, EventName = "PixelLookupFailed", Level = LogLevel.Error,
        Message = "The pixel resolver threw while looking up pixel {PixelId} for the Conversions API: its events are kept (or not queued) until it answers. Fix the resolver; it must not throw.")]
    public static partial void PixelLookupFailed(ILogger logger, string pixelId, Exception exception);

    [LoggerMessage(EventId = 132, EventName = "PixelLaneStarted", Level = LogLevel.Debug,
        Message = "Conversions API: pixel {PixelId} has its own queue (up to {Capacity} events), back-off and sender from now on.")]
    public static partial void PixelLaneStarted(ILogger logger, string pixelId, int capacity);

    [LoggerMessage(EventId = 133, EventName = "PixelLimitReached", Level = LogLevel.Warning,
        Message = "The Conversions API has a queue for {MaxPixels} pixels already (Oaiq:ConversionsApi:MaxPixels): {Dropped} event(s) for other pixels dropped since the last warning (pixel_limit), the latest for pixel {PixelId}. A pixel's queue is freed after Oaiq:ConversionsApi:PixelIdleTimeout without events; raise MaxPixels if this many pixels are active at once.")]
    public static partial void PixelLimitReached(ILogger logger, int maxPixels, long dropped, string pixelId);

    [LoggerMessage(EventId = 134, EventName = "TotalQueueFull", Level = LogLevel.Warning,
        Message = "The Conversions API queues of every pixel together hold {Capacity} events (Oaiq:ConversionsApi:MaxTotalQueueSize): {Dropped} event(s) dropped since the last warning (total_queue_full). Several pixels are failing at once; check the sender's logs per pixel, or raise MaxTotalQueueSize.")]
    public static partial void TotalQueueFull(ILogger logger, int capacity, long dropped);

    [LoggerMessage(EventId = 135, EventName = "PixelLaneRetired", Level = LogLevel.Debug,
        Message = "Conversions API: pixel {PixelId} had no events for {IdleTimeout}; its queue and sender are freed until its next event.")]
    public static partial void PixelLaneRetired(ILogger logger, string pixelId, TimeSpan idleTimeout);
}
