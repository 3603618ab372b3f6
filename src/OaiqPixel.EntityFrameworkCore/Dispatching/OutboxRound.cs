using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// One round of the dispatcher: claim due records under a lease (renewed while the round runs), set aside those that
/// cannot be read, send the rest through the server leg's pipeline (<see cref="IConversionsApiDelivery"/>, which also
/// drops those past the API's 7-day window), and write down what became of each (<see cref="RoundOutcome"/>).
/// </summary>
internal sealed class OutboxRound(
    IOutboxContextFactory contexts,
    IConversionsApiDelivery delivery,
    DatabaseClock clock,
    OutboxStatus status,
    OutboxInstrumentation metrics,
    IOptionsMonitor<OaiqOutboxOptions> outbox,
    TimeProvider time,
    ILogger logger)
{
    private HeldClaim? _current;

    /// <summary>How records are claimed (set once the provider is known).</summary>
    public IOutboxClaimer Claimer { get; set; } = null!;

    public ClaimSettler Settler { get; } = new(contexts, clock, logger);

    /// <summary>The claim of the round in flight, if any (a stop past the host's deadline settles it).</summary>
    public HeldClaim? Current => Volatile.Read(ref _current);

    /// <summary>
    /// Runs a round: first finishes what rounds cut by the database left (<see cref="ClaimSettler"/>), then claims and
    /// delivers.
    /// </summary>
    /// <returns>How many were claimed, and the back-off when the API kept some for a retry.</returns>
    /// <exception cref="Exception">
    /// The database failed. What the round held is settled at the start of the next round that reaches the database:
    /// the records it delivered are deleted first, then the rest are handed back (see <see cref="HeldClaim"/>).
    /// </exception>
    public async Task<RoundResult> RunAsync(CancellationToken stoppingToken, CancellationToken abort)
    {
        await Settler.SettleCutRoundsAsync().ConfigureAwait(false);
        try
        {
            return await RunCoreAsync(stoppingToken, abort).ConfigureAwait(false);
        }
        catch (Exception) when (Current is { } held)
        {
            Settler.Cut(held, "the round failed");
            throw;
        }
        finally
        {
            Volatile.Write(ref _current, null);
        }
    }

    private async Task<RoundResult> RunCoreAsync(CancellationToken stoppingToken, CancellationToken abort)
    {
        var options = outbox.CurrentValue;
        await using var lease = contexts.Create();
        var set = lease.Context.Set<OaiqOutboxMessage>();
        var held = new HeldClaim(Guid.NewGuid());

        // From here on the claim may have committed even if its statement throws (the connection dropped before the
        // answer): the round's catch hands back whatever carries this claim once the database answers again.
        Volatile.Write(ref _current, held);
        var startedAt = time.GetTimestamp();
        var claimed = await Claimer.ClaimAsync(lease.Context, held.Id, options.LeaseDuration, options.BatchSize, stoppingToken).ConfigureAwait(false);
        held.Claimed(claimed.Messages.Count, claimed.DatabaseNow, startedAt, options.LeaseDuration, time);
        if (claimed.Messages.Count == 0)
        {
            return new RoundResult(0, null);
        }

        await using var renewal = new LeaseRenewal(held, contexts, options.LeaseDuration, time, logger);
        OutboxLog.Claimed(logger, claimed.Messages.Count, held.LeaseUntil);
        var reclaimed = claimed.Messages.Count(c => c.Reclaimed);
        if (reclaimed > 0)
        {
            metrics.Reclaimed(reclaimed);
            OutboxLog.Reclaimed(logger, reclaimed);
        }

        var outcome = new RoundOutcome(set, held, metrics, logger);
        var (records, ids) = await SetAsideAsync(claimed.Messages, outcome).ConfigureAwait(false);
        if (records.Count > 0 && held.HasLapsed(time))
        {
            // The round took longer than the lease to get here and no renewal got through (a starved process, a stalled
            // database): another dispatcher may hold these records now and be sending them. Leave them to whoever claims
            // them next, this dispatcher included.
            OutboxLog.LeaseEndedBeforeSend(logger, records.Count, held.LeaseUntil);
            return new RoundResult(claimed.Messages.Count, null);
        }

        if (!held.TryStartSending())
        {
            // A stop past the host's deadline handed the records back: another dispatcher may send them now.
            throw new OperationCanceledException("The outbox dispatcher is stopping; the claimed records were handed back unsent.");
        }

        var results = records.Count == 0 ? [] : await delivery.DeliverAsync(records, abort).ConfigureAwait(false);
        var retry = await outcome.WriteAsync(results, ids, status, time, options.DeadLetterRetention).ConfigureAwait(false);
        return new RoundResult(claimed.Messages.Count, retry);
    }

    /// <summary>
    /// Dead-letters the unreadable records, each on its own; returns the rest, ready to send, with their row ids. Records
    /// past the API's window are the delivery's to drop (<see cref="ConversionEventDeliveryOutcome.Stale"/>).
    /// </summary>
    private async Task<(List<ConversionEventRecord> Records, List<long> Ids)> SetAsideAsync(List<ClaimedMessage> claimed, RoundOutcome outcome)
    {
        var unreadable = new List<(ClaimedMessage Message, string Reason)>();
        var records = new List<ConversionEventRecord>(claimed.Count);
        var ids = new List<long>(claimed.Count);
        foreach (var message in claimed)
        {
            if (UnixMilliseconds.IsOutOfRange(message.OccurredAt))
            {
                unreadable.Add((message, "its occurred_at is not a time in Unix milliseconds"));
                continue;
            }

            try
            {
                records.Add(ConversionEventRecord.FromJson(message.PixelId, message.Json));
                ids.Add(message.Id);
            }
            catch (ArgumentException)
            {
                unreadable.Add((message, "its json is not a Conversions API event object written by OaiqPixel"));
            }
        }

        foreach (var (message, reason) in unreadable)
        {
            OutboxLog.UnreadableRecord(logger, message.Id, message.EventId, reason);
            await outcome.DeadLetterAsync(message.Id, null, "The record cannot be read: " + reason + ".", time.GetUtcNow()).ConfigureAwait(false);
        }

        return (records, ids);
    }
}
