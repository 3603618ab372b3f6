namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>A record a dispatcher holds for one round.</summary>
/// <param name="Id">The row's key.</param>
/// <param name="PixelId">The pixel it is sent for.</param>
/// <param name="EventId">The event id.</param>
/// <param name="EventType">The event name.</param>
/// <param name="OccurredAt">When the event happened.</param>
/// <param name="Json">The event's JSON.</param>
/// <param name="Reclaimed">Whether another claim held it before and its lease ran out (its holder died or was too slow).</param>
internal readonly record struct ClaimedMessage(long Id, string PixelId, string EventId, string EventType, DateTimeOffset OccurredAt, byte[] Json, bool Reclaimed);
