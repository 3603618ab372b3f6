using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.Verification;

/// <summary>
/// The production verification's log messages (event ids 300–319, stable). They carry Pixel IDs, event types, counts,
/// status codes and the stream's error code or message: never the Ads API key.
/// </summary>
internal static partial class VerificationLog
{
    [LoggerMessage(EventId = 300, EventName = "LegStopped", Level = LogLevel.Warning,
        Message = "OpenAI Ads verification, pixel {PixelId}: {Arrived} of the last {Expected} {EventType} arrived from the {Leg}: {Hint}")]
    public static partial void LegStopped(ILogger logger, string pixelId, int arrived, int expected, string eventType, string leg, string hint);

    [LoggerMessage(EventId = 301, EventName = "LegBack", Level = LogLevel.Information,
        Message = "OpenAI Ads verification, pixel {PixelId}: {EventType} arrives from the {Leg} again ({Arrived} of the last {Expected}).")]
    public static partial void LegBack(ILogger logger, string pixelId, string eventType, string leg, int arrived, int expected);

    [LoggerMessage(EventId = 302, EventName = "StreamNotAvailable", Level = LogLevel.Warning,
        Message = "OpenAI Ads verification, pixel {PixelId}: OpenAI's events stream is not enabled for this account (HTTP {StatusCode}: {Reason}). This pixel is asked again every hour, logged again only once that changes; remove AddVerification() or ask OpenAI to enable the stream.")]
    public static partial void StreamNotAvailable(ILogger logger, string pixelId, int statusCode, string? reason);

    [LoggerMessage(EventId = 303, EventName = "StreamUnauthorized", Level = LogLevel.Error,
        Message = "OpenAI Ads verification, pixel {PixelId}: the events stream refused the key with HTTP {StatusCode} ({Reason}). Check {Setting}: it takes the Ads API key, not the Conversions API key. Tried again every interval.")]
    public static partial void StreamUnauthorized(ILogger logger, string pixelId, int statusCode, string? reason, string setting);

    [LoggerMessage(EventId = 304, EventName = "StreamFailed", Level = LogLevel.Warning,
        Message = "OpenAI Ads verification, pixel {PixelId}: the events stream could not be read (HTTP {StatusCode}: {Reason}). Tried again every interval; logged again only once it has worked.")]
    public static partial void StreamFailed(ILogger logger, string pixelId, int? statusCode, string? reason);

    [LoggerMessage(EventId = 305, EventName = "NoAdsApiKey", Level = LogLevel.Warning,
        Message = "OpenAI Ads verification is registered, but {Setting} is not set: no check runs. Set it to the Ads API key (not the Conversions API key).")]
    public static partial void NoAdsApiKey(ILogger logger, string setting);

    [LoggerMessage(EventId = 306, EventName = "Checked", Level = LogLevel.Debug,
        Message = "OpenAI Ads verification, pixel {PixelId}: the events stream listed {Rows} event(s); {Compared} event type(s) compared.")]
    public static partial void Checked(ILogger logger, string pixelId, int rows, int compared);

    [LoggerMessage(EventId = 307, EventName = "StreamRecovered", Level = LogLevel.Information,
        Message = "OpenAI Ads verification, pixel {PixelId}: the events stream is read again.")]
    public static partial void StreamRecovered(ILogger logger, string pixelId);

    [LoggerMessage(EventId = 308, EventName = "CheckFailed", Level = LogLevel.Error,
        Message = "OpenAI Ads verification, pixel {PixelId}: the check failed unexpectedly; it runs again on the next interval.")]
    public static partial void CheckFailed(ILogger logger, string pixelId, Exception exception);

    [LoggerMessage(EventId = 309, EventName = "InvalidReload", Level = LogLevel.Error,
        Message = "OpenAI Ads verification: the reloaded settings are not valid, so the last valid ones stay in force until they are fixed. {Problem}")]
    public static partial void InvalidReload(ILogger logger, string problem);
}
