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
    /// One round: claim due records, drop the stale ones, deliver the rest, and write down what became of each.
    /// </summary>
    /// <returns>How many were claimed, and the back-off when the API kept some for a retry.</returns>
    /// <exception cref="Exception">The database failed (delivered records not yet deleted are deleted at the next round).</exception>
    internal async Task<RoundResult> RunRoundAsync(CancellationToken stoppingToken)
    {
        try
        {
            return await RunRoundCoreAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception) when (_roundClaim is { } claim && !stoppingToken.IsCancellationRequested)
        {
            // Cut after claiming (the database went away): hand the records back as soon as it answers again, rather
            // than leave them to the lease.
            _unsettledReleases.Add(claim);
            _roundClaim = null;
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
        _roundClaim = claim;
        var claimed = await _claimer.ClaimAsync(lease.Context, claim, now, now + options.LeaseDuration, options.BatchSize, stoppingToken).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            _roundClaim = null;
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

        var results = records.Count == 0 ? [] : await _delivery.DeliverAsync(records, _abort.Token).ConfigureAwait(false);
        var delivered = new List<long>();
        var deliveries = new List<OaiqOutboxDelivery>();
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
                    _metrics.DeadLettered(1);
                    OutboxLog.DeadLettered(_logger, result.Record.EventType, result.Record.Id, result.StatusCode ?? 0, result.ErrorMessage ?? "no error message in the response", options.DeadLetterRetention);
                    await DeadLetterAsync(set, ids[i], claim, result.StatusCode, result.ErrorMessage, now).ConfigureAwait(false);
                    break;
                default:
                    kept.Add(ids[i]);
                    failure ??= result;
                    break;
            }
        }

        if (delivered.Count > 0)
        {
            try
            {
                await set.Where(m => delivered.Contains(m.Id) && m.ClaimId == claim).ExecuteDeleteAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                // Delivered but still in the table: deleted first thing next round (the lease keeps them meanwhile).
                _unsettledDeletes.Add((claim, delivered));
                throw;
            }
            finally
            {
                _status.Delivered(deliveries);
                _metrics.Delivered(delivered.Count);
            }

            OutboxLog.Delivered(_logger, delivered.Count);
        }

        TimeSpan? retry = null;
        if (failure is not null)
        {
            var reason = failure.StatusCode is { } status
                ? string.Create(CultureInfo.InvariantCulture, $"status {status}: {failure.ErrorMessage ?? "no error message"}")
                : failure.ErrorMessage ?? "no response";
            var failures = _status.ApiFailed(now, reason);
            retry = Backoff(failures, failure.RetryAfter);
            var due = now + retry.Value;
            var lastError = Truncate(failure.ErrorMessage);
            await set.Where(m => kept.Contains(m.Id) && m.ClaimId == claim)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(m => m.ClaimId, (Guid?)null).SetProperty(m => m.DueAt, due)
                        .SetProperty(m => m.LastStatusCode, failure.StatusCode).SetProperty(m => m.LastError, lastError),
                    CancellationToken.None).ConfigureAwait(false);
            OutboxLog.SendFailed(_logger, kept.Count, reason, retry.Value);
        }
        else if (records.Count > 0)
        {
            var failures = _status.ApiSucceeded();
            if (failures > 0)
            {
                OutboxLog.ApiRecovered(_logger, failures);
            }
        }

        _roundClaim = null;
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

    /// <summary>
    /// Finishes rounds the database cut short: deletes what they delivered, then hands back what they still held.
    /// </summary>
    private async Task SettleCutRoundsAsync()
    {
        if (_unsettledDeletes.Count == 0 && _unsettledReleases.Count == 0)
        {
            return;
        }

        await using var lease = _contexts.Create();
        var set = lease.Context.Set<OaiqOutboxMessage>();
        while (_unsettledDeletes.Count > 0)
        {
            var (claim, ids) = _unsettledDeletes[0];
            await set.Where(m => ids.Contains(m.Id) && m.ClaimId == claim).ExecuteDeleteAsync(CancellationToken.None).ConfigureAwait(false);
            _unsettledDeletes.RemoveAt(0);
        }

        var now = _time.GetUtcNow();
        while (_unsettledReleases.Count > 0)
        {
            var claim = _unsettledReleases[0];
            await set.Where(m => m.ClaimId == claim && m.State == OaiqOutboxMessageState.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimId, (Guid?)null).SetProperty(m => m.DueAt, now), CancellationToken.None).ConfigureAwait(false);
            _unsettledReleases.RemoveAt(0);
        }
    }

    /// <summary>On a graceful stop: hands back what a cut round still holds, so the next dispatcher need not wait for the lease.</summary>
    private async Task ReleaseAsync()
    {
        if (_roundClaim is not { } claim)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var lease = _contexts.Create();
            var now = _time.GetUtcNow();
            var released = await lease.Context.Set<OaiqOutboxMessage>()
                .Where(m => m.ClaimId == claim && m.State == OaiqOutboxMessageState.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimId, (Guid?)null).SetProperty(m => m.DueAt, now), timeout.Token).ConfigureAwait(false);
            if (released > 0)
            {
                OutboxLog.ReleasedOnStop(_logger, released);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The lease runs out instead.
        }
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
