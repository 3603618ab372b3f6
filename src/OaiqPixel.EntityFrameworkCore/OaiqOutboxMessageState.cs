namespace OaiqPixel.EntityFrameworkCore;

/// <summary>Where an <see cref="OaiqOutboxMessage"/> stands. Stored as its number.</summary>
public enum OaiqOutboxMessageState
{
    /// <summary>Waiting to be delivered (or being delivered: see <see cref="OaiqOutboxMessage.ClaimId"/>).</summary>
    Pending = 0,

    /// <summary>
    /// Refused by the API on its own (400, 413 or 422 for a request carrying only this event, spec §4.1): not sent again,
    /// kept with the API's message for <see cref="OaiqOutboxOptions.DeadLetterRetention"/>.
    /// </summary>
    DeadLettered = 1,
}
