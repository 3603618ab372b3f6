using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>The in-memory path's dead-letter replay logs (ids 320–329).</summary>
internal static partial class DeadLetterLog
{
    [LoggerMessage(EventId = 320, EventName = "DeadLettersReplayed", Level = LogLevel.Information,
        Message = "Dead letters replayed from the store {Store} (pixel {PixelId}, sent to {ToPixelId}): {Replayed} replayed, {TooOld} too old (past the API's 7-day window, not sent), {NotFound} ids not found, {NotTaken} not taken (the queue refused them: they stay dead letters).")]
    public static partial void Replayed(ILogger logger, string store, string pixelId, string toPixelId, int replayed, int tooOld, int notFound, int notTaken);
}
