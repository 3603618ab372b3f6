using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// Writes down what became of a round's records: delivered ones and those the delivery dropped as too old
/// (<see cref="ConversionEventDeliveryOutcome.Stale"/>) deleted, refused or unreadable ones dead-lettered with why, kept ones handed back due after the back-off the delivery gave. Every statement only touches rows that still carry
/// the round's claim, so a record another dispatcher took over is left alone.
/// </summary>
internal sealed class RoundOutcome(DbSet<OaiqOutboxMessage> set, HeldClaim held, OutboxInstrumentation metrics, ILogger logger)
{
    public Task<int> DeleteAsync(List<long> ids)
    {
        var claim = held.Id;
        return set.Where(m => ids.Contains(m.Id) && m.ClaimId == claim).ExecuteDeleteAsync(CancellationToken.None);
    }

    public Task<int> DeadLetterAsync(long id, int? statusCode, string? message, DateTimeOffset now)
    {
        var claim = held.Id;
        var error = Truncate(message);
        return set.Where(m => m.Id == id && m.ClaimId == claim)
            .ExecuteUpdateAsync(
                s => s.SetProperty(m => m.State, OaiqOutboxMessageState.DeadLettered).SetProperty(m => m.ClaimId, (Guid?)null)
                    .SetProperty(m => m.LastStatusCode, statusCode).SetProperty(m => m.LastError, error).SetProperty(m => m.DeadLetteredAt, now),
                CancellationToken.None);
    }

    /// <summary>Writes down the send's results (<paramref name="ids"/> are their rows, in the same order).</summary>
    /// <returns>The back-off before the next round, when the API kept records for a retry.</returns>
    public async Task<TimeSpan?> WriteAsync(IReadOnlyList<ConversionEventDeliveryResult> results, List<long> ids, OutboxStatus status, TimeProvider time, TimeSpan retention)
    {
        var now = time.GetUtcNow();
        var byRow = results.Select((result, i) => (Id: ids[i], Result: result)).ToList();
        var delivered = byRow.FindAll(r => r.Result.Outcome == ConversionEventDeliveryOutcome.Delivered);
        var deadLettered = byRow.FindAll(r => r.Result.Outcome == ConversionEventDeliveryOutcome.DeadLettered);
        var stale = byRow.FindAll(r => r.Result.Outcome == ConversionEventDeliveryOutcome.Stale);
        var kept = byRow.FindAll(r => r.Result.Outcome == ConversionEventDeliveryOutcome.KeptForRetry);

        TimeSpan? retry = null;
        if (kept.Count > 0)
        {
            var failure = kept[0].Result;
            var reason = failure.StatusCode is { } code
                ? string.Create(CultureInfo.InvariantCulture, $"status {code}: {failure.ErrorMessage ?? "no error message"}")
                : failure.ErrorMessage ?? "no response";
            status.ApiFailed(now, reason);
            retry = kept.Min(k => k.Result.RetryDelay ?? TimeSpan.Zero);
            OutboxLog.SendFailed(logger, kept.Count, reason, retry.Value);
        }
        else if (results.Count > stale.Count)
        {
            // The API answered (records dropped as stale reached no API and say nothing of its health).
            var failures = status.ApiSucceeded();
            if (failures > 0)
            {
                OutboxLog.ApiRecovered(logger, failures);
            }
        }

        // Known before any write: if the database cuts what follows, the delivered records are deleted before the rest
        // is handed back, so no other instance sends them again (and this one does not either).
        var databaseNow = held.DatabaseNow(time);
        held.SendFinished([.. delivered.Concat(stale).Select(r => r.Id)], databaseNow + retry);
        if (delivered.Count > 0)
        {
            status.Delivered(delivered.Select(r => new OaiqOutboxDelivery(r.Result.Record.Id, r.Result.Record.EventType, now)));
            metrics.Delivered(delivered.Count);
            await DeleteAsync(delivered.ConvertAll(r => r.Id)).ConfigureAwait(false);
            OutboxLog.Delivered(logger, delivered.Count);
        }

        if (stale.Count > 0)
        {
            // The delivery logged each (log 111) and counted it in oaiq.events.dropped; the rows are this table's own
            // count, of those this claim still held: a row whose lease was lost is dropped and counted by its taker.
            metrics.Dropped(await DeleteAsync(stale.ConvertAll(r => r.Id)).ConfigureAwait(false), "stale");
        }

        foreach (var (id, result) in deadLettered)
        {
            metrics.DeadLettered(1);
            OutboxLog.DeadLettered(logger, result.Record.EventType, result.Record.Id, result.StatusCode ?? 0, result.ErrorMessage ?? "no error message in the response", retention);
            await DeadLetterAsync(id, result.StatusCode, result.ErrorMessage, now).ConfigureAwait(false);
        }

        // Each pixel's records are due after its own back-off (one pixel's refused key does not slow another's retries).
        var claim = held.Id;
        foreach (var group in kept.GroupBy(k => (k.Result.RetryDelay ?? TimeSpan.Zero, k.Result.StatusCode, k.Result.ErrorMessage)))
        {
            var (delay, statusCode, message) = group.Key;
            var due = databaseNow + delay;
            var lastError = Truncate(message);
            var keptIds = group.Select(k => k.Id).ToList();
            await set.Where(m => keptIds.Contains(m.Id) && m.ClaimId == claim)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(m => m.ClaimId, (Guid?)null).SetProperty(m => m.DueAt, due)
                        .SetProperty(m => m.LastStatusCode, statusCode).SetProperty(m => m.LastError, lastError),
                    CancellationToken.None).ConfigureAwait(false);
        }

        return retry;
    }

    private static string? Truncate(string? message) =>
        message is null || message.Length <= 1000 ? message : string.Concat(message.AsSpan(0, 1000), "…");
}
