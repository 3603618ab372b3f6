namespace OaiqPixel.AspNetCore.Verification;

/// <summary>One event this app rendered (pixel leg) or delivered (server leg) for a pixel, as <see cref="LegLedger"/> keeps it.</summary>
/// <param name="Leg">The leg.</param>
/// <param name="EventType">The event type, e.g. <c>order_created</c>.</param>
/// <param name="EventId">The event id both legs carry.</param>
/// <param name="EventTimeMs">The event's time (its <c>timestamp_ms</c>), Unix milliseconds.</param>
/// <param name="LedgeredAtMs">When it was rendered or delivered, Unix milliseconds: it cannot have arrived before.</param>
internal readonly record struct LedgerEntry(OaiqVerificationLeg Leg, string EventType, string EventId, long EventTimeMs, long LedgeredAtMs);
