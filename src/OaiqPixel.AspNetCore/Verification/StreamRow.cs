namespace OaiqPixel.AspNetCore.Verification;

/// <summary>One row of OpenAI's events stream (spec §4.10); every field is optional, as nothing of its shape is promised.</summary>
/// <param name="EventType">Its <c>event_type</c>.</param>
/// <param name="Leg">Its <c>api_channel</c>: <c>pixel_sdk</c> or <c>server_to_server</c>; <see langword="null"/> when absent or another value.</param>
/// <param name="EventId">Its event id (<c>event_id</c> or <c>id</c>), where the row carries one.</param>
/// <param name="EventTimeMs">Its <c>event_timestamp_ms</c>, else its <c>received_at_ms</c>, Unix milliseconds.</param>
internal readonly record struct StreamRow(string? EventType, OaiqVerificationLeg? Leg, string? EventId, long? EventTimeMs);
