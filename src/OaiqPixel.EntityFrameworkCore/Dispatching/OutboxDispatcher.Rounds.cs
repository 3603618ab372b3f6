using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Internal;
using OaiqPixel.EntityFrameworkCore.Writing;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>The dispatcher's rounds and housekeeping.</summary>
internal sealed partial class OutboxDispatcher
{
    /// <summary>
    /// One round: finish what rounds cut by the database left, claim due records, drop the stale ones, deliver the rest,
    /// and write down what became of each.
    /// </summary>
    /// <returns>How many were claimed, and the back-off when the API kept some for a retry.</returns>
    /// <exception cref="Exception">
    /// The database failed. What the round held is settled at the start of the next round that reaches the database:
    /// the records it delivered are deleted first, then the rest are handed back (see <see cref="HeldClaim"/>).
    /// </exception>
    internal async Task<RoundResult> RunRoundAsync(CancellationToken stoppingToken)
    {
        await SettleCutRoundsAsync().ConfigureAwait(false);
        try
        {
            return await RunRoundCoreAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception) when (_round is { } held)
        {
            _round = null;
            Cut(held, "the round failed");
            throw;
        }
    }

    private async Task<RoundResult> RunRoundCoreAsync(CancellationToken stoppingToken)
    {
        var options = Options;
        await using var lease = _contexts.Create();
        var set = lease.Context.Set<OaiqOutboxMessage>();
        var now = _time.GetUtcNow();
        var claim = Guid.NewGuid();
        var held = new HeldClaim(claim);

        // From here on the claim may have committed even if its statement throws (the connection dropped before the
        // answer): the round's catch hands back whatever carries this claim once the database answers again.
        _round = held;
        var claimed = await _claimer.ClaimAsync(lease.Context, claim, now, now + options.LeaseDuration, options.BatchSize, stoppingToken).ConfigureAwait(false);
        held.Claimed(claimed.Count, now + options.LeaseDuration);
        if (claimed.Count == 0)
        {
            _round = null;
            return new RoundResult(0, null);
        }

        OutboxLog.Claimed(_logger, claimed.Count, now + options.LeaseDuration);
        var reclaimed = claimed.Count(c => c.Reclaimed);
        if (reclaimed > 0)
        {
            _metrics.Reclaimed(reclaimed);
            OutboxLog.Reclaimed(_logger, reclaimed);
        }

        // Past the API's window the API would refuse it, and one such event would refuse its whole batch.
        var oldest = now - OutboxRouting.MaxEventAge;
        var stale = new List<long>();
        var unreadable = new List<ClaimedMessage>();
        var records = new List<ConversionEventRecord>(claimed.Count);
        var ids = new List<long>(claimed.Count);
        foreach (var message in claimed)
        {
            if (message.OccurredAt < oldest)
            {
                stale.Add(message.Id);
                continue;
            }

            try
            {
                records.Add(ConversionEventRecord.FromJson(message.PixelId, message.Json));
                ids.Add(message.Id);
            }
            catch (ArgumentException)
            {
                unreadable.Add(message);
            }
        }

        if (stale.Count > 0)
        {
            await set.Where(m => stale.Contains(m.Id) && m.ClaimId == claim).ExecuteDeleteAsync(CancellationToken.None).ConfigureAwait(false);
            _metrics.Dropped(stale.Count, "stale");
            OutboxLog.StaleDropped(_logger, stale.Count);
        }

        foreach (var message in unreadable)
        {
            OutboxLog.UnreadableRecord(_logger, message.Id, message.EventId);
            await DeadLetterAsync(set, message.Id, claim, null, "The record is not a Conversions API event object written by OaiqPixel.", now).ConfigureAwait(false);
        }

        if (records.Count > 0 && _time.GetUtcNow() >= held.LeaseUntil)
        {
            // The round took longer than the lease to get here (a starved process): another dispatcher may hold these
            // records now and be sending them. Leave them to whoever claims them next, this dispatcher included.
            OutboxLog.LeaseEndedBeforeSend(_logger, records.Count, held.LeaseUntil);
            _round = null;
            return new RoundResult(claimed.Count, null);
        }

        if (!held.TryStartSending())
        {
            // A stop past the host's deadline handed the records back: another dispatcher may send them now.
            throw new OperationCanceledException("The outbox dispatcher is stopping; the claimed records were handed back unsent.");
        }

        var results = records.Count == 0 ? [] : await _delivery.DeliverAsync(records, _abort.Token).ConfigureAwait(false);
        var delivered = new List<long>();
        var deliveries = new List<OaiqOutboxDelivery>();
        var deadLettered = new List<(long Id, ConversionEventDeliveryResult Result)>();
        var kept = new List<long>();
        ConversionEventDeliveryResult? failure = null;
        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            switch (result.Outcome)
            {
                case ConversionEventDeliveryOutcome.Delivered:
                    delivered.Add(ids[i]);
                    deliveries.Add(new OaiqOutboxDelivery(result.Record.Id, result.Record.EventType, now));
                    break;
                case ConversionEventDeliveryOutcome.DeadLettered:
                    deadLettered.Add((ids[i], result));
                    break;
                default:
                    kept.Add(ids[i]);
                    failure ??= result;
                    break;
            }
        }

        TimeSpan? retry = null;
        string? reason = null;
        if (failure is not null)
        {
            reason = failure.StatusCode is { } status
                ? string.Create(CultureInfo.InvariantCulture, $"status {status}: {failure.ErrorMessage ?? "no error message"}")
                : failure.ErrorMessage ?? "no response";
            retry = Backoff(_status.ApiFailed(now, reason), failure.RetryAfter);
        }
        else if (records.Count > 0)
        {
            var failures = _status.ApiSucceeded();
            if (failures > 0)
            {
                OutboxLog.ApiRecovered(_logger, failures);
            }
        }

        // Known before any write: if the database cuts what follows, the delivered records are deleted before the rest
        // is handed back, so no other instance sends them again (and this one does not either).
        held.SendFinished([.. delivered], now + retry);
        if (delivered.Count > 0)
        {
            _status.Delivered(deliveries);
            _metrics.Delivered(delivered.Count);
            await set.Where(m => delivered.Contains(m.Id) && m.ClaimId == claim).ExecuteDeleteAsync(CancellationToken.None).ConfigureAwait(false);
            OutboxLog.Delivered(_logger, delivered.Count);
        }

        foreach (var (id, result) in deadLettered)
        {
            _metrics.DeadLettered(1);
            OutboxLog.DeadLettered(_logger, result.Record.EventType, result.Record.Id, result.StatusCode ?? 0, result.ErrorMessage ?? "no error message in the response", options.DeadLetterRetention);
            await DeadLetterAsync(set, id, claim, result.StatusCode, result.ErrorMessage, now).ConfigureAwait(false);
        }

        if (failure is not null)
        {
            var due = now + retry!.Value;
            var lastError = Truncate(failure.ErrorMessage);
            await set.Where(m => kept.Contains(m.Id) && m.ClaimId == claim)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(m => m.ClaimId, (Guid?)null).SetProperty(m => m.DueAt, due)
                        .SetProperty(m => m.LastStatusCode, failure.StatusCode).SetProperty(m => m.LastError, lastError),
                    CancellationToken.None).ConfigureAwait(false);
            OutboxLog.SendFailed(_logger, kept.Count, reason!, retry.Value);
        }

        _round = null;
        return new RoundResult(claimed.Count, retry);
    }

    /// <summary>Deletes records past the API's window and expired dead letters, and counts the table.</summary>
    internal async Task CleanupAsync(CancellationToken cancellationToken)
    {
        var options = Options;
        await using var lease = _contexts.Create();
        var set = lease.Context.Set<OaiqOutboxMessage>();
        var now = _time.GetUtcNow();
        var oldest = now - OutboxRouting.MaxEventAge;

        // Not those a live dispatcher holds: its round drops them itself.
        var stale = await set
            .Where(m => m.State == OaiqOutboxMessageState.Pending && m.OccurredAt < oldest && (m.ClaimId == null || m.DueAt <= now))
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (stale > 0)
        {
            _metrics.Dropped(stale, "stale");
            OutboxLog.StaleDropped(_logger, stale);
        }

        var expiredBefore = now - options.DeadLetterRetention;
        var expired = await set
            .Where(m => m.State == OaiqOutboxMessageState.DeadLettered && m.DeadLetteredAt < expiredBefore)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (expired > 0)
        {
            OutboxLog.DeadLettersExpired(_logger, expired, options.DeadLetterRetention);
        }

        var pending = await set.LongCountAsync(m => m.State == OaiqOutboxMessageState.Pending, cancellationToken).ConfigureAwait(false);
        var deadLetters = await set.LongCountAsync(m => m.State == OaiqOutboxMessageState.DeadLettered, cancellationToken).ConfigureAwait(false);
        _status.Counted(pending, deadLetters);
        _metrics.Counted(pending, deadLetters);
    }

    private static Task<int> DeadLetterAsync(DbSet<OaiqOutboxMessage> set, long id, Guid claim, int? statusCode, string? message, DateTimeOffset now)
    {
        var error = Truncate(message);
        return set.Where(m => m.Id == id && m.ClaimId == claim)
            .ExecuteUpdateAsync(
                s => s.SetProperty(m => m.State, OaiqOutboxMessageState.DeadLettered).SetProperty(m => m.ClaimId, (Guid?)null)
                    .SetProperty(m => m.LastStatusCode, statusCode).SetProperty(m => m.LastError, error).SetProperty(m => m.DeadLetteredAt, now),
                CancellationToken.None);
    }

    /// <summary>The wait before a kept record is tried again: the server leg's back-off, doubled per failed round with jitter, or the API's Retry-After.</summary>
    private TimeSpan Backoff(int failures, TimeSpan? retryAfter)
    {
        var api = _tracking.CurrentValue.ConversionsApi;
        var max = api.MaxBackoffDelay;
        var ticks = api.BackoffDelay.Ticks * Math.Pow(2, Math.Min(failures - 1, 30)) * (0.8 + (0.4 * Random.Shared.NextDouble()));
        var delay = TimeSpan.FromTicks((long)Math.Min(ticks, max.Ticks));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < max ? asked : max;
        }

        return delay;
    }

    private static string? Truncate(string? message) =>
        message is null || message.Length <= 1000 ? message : string.Concat(message.AsSpan(0, 1000), "…");

    /// <summary>What a round did.</summary>
    /// <param name="Claimed">Records claimed.</param>
    /// <param name="RetryDelay">The back-off, when the API kept records for a retry.</param>
    internal readonly record struct RoundResult(int Claimed, TimeSpan? RetryDelay);
}
