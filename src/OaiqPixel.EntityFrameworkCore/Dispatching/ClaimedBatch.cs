namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>What one claim statement took.</summary>
/// <param name="DatabaseNow">The database's time the claim was judged by (<see langword="default"/> when it took nothing).</param>
/// <param name="Messages">The records now held, by id.</param>
internal sealed record ClaimedBatch(DateTimeOffset DatabaseNow, List<ClaimedMessage> Messages);
