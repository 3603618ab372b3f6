using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Delivers one batch of one pixel's records: a request through the resilient client; a batch the API refuses for its
/// content (400/413/422, which spec §4.1 says fails the whole batch for one bad event) is split in halves until each
/// invalid record is alone and dead-lettered while every valid one is delivered. Any other failure keeps the records for
/// the caller to retry. Records past <see cref="ConversionEventRecord.MaxAge"/> are dropped before any request. Shared by
/// every sender of records (the in-memory lanes and <see cref="IConversionsApiDelivery"/>).
/// </summary>
internal sealed class BatchDelivery(
    IHttpClientFactory httpClientFactory,
    ITypedHttpClientFactory<ConversionsApiClient> typedClientFactory,
    IOptionsMonitor<OaiqTrackingOptions> options,
    TimeProvider timeProvider,
    ConversionsApiInstrumentation instrumentation,
    PixelMetricTags tags,
    Diagnostics.RecentOutcomes outcomes,
    InMemoryDeadLetters deadLetters,
    ILogger<BatchDelivery> logger,
    Verification.LegLedger? ledger = null)
{
    /// <summary>
    /// Sends <paramref name="records"/>, first dropping those past <see cref="ConversionEventRecord.MaxAge"/> (see
    /// <see cref="DropStale"/>). On return <paramref name="retained"/> holds the records kept for a retry (in order); the
    /// result is the failure that stopped delivery, or <see langword="null"/> when every record was delivered, dead-lettered
    /// or dropped as stale; <c>Delivered</c> counts the records the API accepted, <c>Stale</c> those dropped unsent. When
    /// <paramref name="deadLettered"/> is given (as long as <paramref name="records"/>), the answer that dead-lettered
    /// <c>records[i]</c> is stored at <c>deadLettered[i]</c>; when <paramref name="stale"/> is given (as long too),
    /// <c>stale[i]</c> is set for each record dropped as too old.
    /// </summary>
    /// <exception cref="OperationCanceledException">
    /// <paramref name="cancellationToken"/> cut a request; <paramref name="retained"/> then holds every record neither
    /// delivered, dead-lettered nor dropped.
    /// </exception>
    public async Task<(SendResult? Failure, int Delivered, int Stale)> DeliverAsync(
        ConversionEventRecord[] records, List<ConversionEventRecord> retained, SendResult?[]? deadLettered, bool[]? stale, CancellationToken cancellationToken)
    {
        var fresh = DropStale(records, stale);
        if (fresh.Length == 0)
        {
            return (null, 0, records.Length);
        }

        // The round works on the fresh records only; answers are mapped back to the caller's positions afterwards.
        var freshDeadLettered = deadLettered is null || fresh.Length == records.Length ? deadLettered : new SendResult?[fresh.Length];
        var round = new Round(CreateClient(), fresh, retained, freshDeadLettered);
        try
        {
            await SendSegmentAsync(round, 0, fresh.Length, knownBad: false, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            retained.AddRange(fresh.AsSpan(round.Handled));
            throw;
        }
        finally
        {
            if (!ReferenceEquals(freshDeadLettered, deadLettered))
            {
                // fresh is records in order without the stale ones (never the same instance as a fresh one).
                for (int i = 0, j = 0; j < fresh.Length; i++)
                {
                    if (ReferenceEquals(records[i], fresh[j]))
                    {
                        deadLettered![i] = freshDeadLettered![j++];
                    }
                }
            }
        }

        return (round.Failure, round.Delivered, records.Length - fresh.Length);
    }

    /// <summary>
    /// The one place a record past <see cref="ConversionEventRecord.MaxAge"/> is dropped before a send, whichever store
    /// queued it: the API refuses it (spec §4.2) and with it its whole batch, and it can never become sendable again. Each
    /// is logged (log 111) and counted (<c>oaiq.events.dropped</c>, reason <c>stale</c>).
    /// </summary>
    /// <returns>The records still sendable, in order (<paramref name="records"/> itself when none was dropped).</returns>
    private ConversionEventRecord[] DropStale(ConversionEventRecord[] records, bool[]? stale)
    {
        var now = timeProvider.GetUtcNow();
        List<ConversionEventRecord>? fresh = null;
        for (var i = 0; i < records.Length; i++)
        {
            var record = records[i];
            if (!record.IsTooOld(now))
            {
                fresh?.Add(record);
                continue;
            }

            fresh ??= new List<ConversionEventRecord>(records.AsSpan(0, i).ToArray());
            if (stale is not null)
            {
                stale[i] = true;
            }

            instrumentation.Dropped(DropReason.Stale);
            ConversionsApiLog.StaleEventDropped(logger, record.Id, record.EventType, now - record.Timestamp);
        }

        return fresh is null ? records : [.. fresh];
    }

    private ConversionsApiClient CreateClient() =>
        typedClientFactory.CreateClient(httpClientFactory.CreateClient(ConversionsApiOptions.HttpClientName));

    /// <summary>
    /// Sends <c>records[offset..offset+count]</c>. When the left half of a refused segment is accepted, the right half must
    /// hold the invalid record, so it is split again without being sent (a lone record is always sent, to confirm it and
    /// get its own message): k invalid records among n cost O(k·log n) extra requests.
    /// </summary>
    /// <returns><see langword="true"/> when every record of the segment was accepted.</returns>
    private async Task<bool> SendSegmentAsync(Round round, int offset, int count, bool knownBad, CancellationToken cancellationToken)
    {
        if (round.Failure is not null)
        {
            // An earlier part failed for a reason splitting cannot fix: keep the rest for the retry.
            round.Retain(offset, count);
            return false;
        }

        if (!knownBad || count == 1)
        {
            var segment = new ArraySegment<ConversionEventRecord>(round.Records, offset, count);
            var result = await SendOnceAsync(round.Client, segment, cancellationToken).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case SendOutcome.Delivered:
                    round.MarkHandled(offset, count);
                    round.Delivered += count;
                    if (round.DeadLettered is null)
                    {
                        deadLetters.Delivered(count);
                    }

                    instrumentation.Sent(count, tags.Tag(round.Records[offset].PixelId));
                    ledger?.Delivered(new ArraySegment<ConversionEventRecord>(round.Records, offset, count));
                    return true;
                case SendOutcome.Rejected when count == 1:
                    round.MarkHandled(offset, 1);
                    if (round.DeadLettered is { } deadLettered)
                    {
                        deadLettered[offset] = result;
                    }

                    DeadLetter(round.Records[offset], result, keptByCaller: round.DeadLettered is not null);
                    return false;
                case SendOutcome.Rejected:
                    ConversionsApiLog.BatchRejected(logger, count, result.StatusCode ?? 0, MessageText(result), RequestIdText(result));
                    break;
                default:
                    round.Failure = result;
                    round.Retain(offset, count);
                    return false;
            }
        }

        instrumentation.Split();
        var left = count / 2;
        ConversionsApiLog.BatchSplit(logger, count, left, count - left, knownBad ? " (known to hold an invalid event, not resent)" : string.Empty);
        var leftAccepted = await SendSegmentAsync(round, offset, left, knownBad: false, cancellationToken).ConfigureAwait(false);
        await SendSegmentAsync(round, offset + left, count - left, knownBad: leftAccepted, cancellationToken).ConfigureAwait(false);
        return false;
    }

    private async Task<SendResult> SendOnceAsync(ConversionsApiClient client, ArraySegment<ConversionEventRecord> records, CancellationToken cancellationToken)
    {
        using var activity = ConversionsApiInstrumentation.StartSend(records, options.CurrentValue.ConversionsApi.BaseAddress);
        var started = timeProvider.GetTimestamp();
        var result = await client.SendAsync(records, cancellationToken).ConfigureAwait(false);
        var elapsed = timeProvider.GetElapsedTime(started);
        instrumentation.Sent(activity, result, elapsed.TotalSeconds, tags.Tag(records[0].PixelId));
        outcomes.Add(result, records.Count);
        if (result.Outcome == SendOutcome.Delivered)
        {
            ConversionsApiLog.BatchSent(logger, records.Count, elapsed.TotalMilliseconds, result.StatusCode ?? 0);
        }

        return result;
    }

    /// <summary>
    /// The one place a record becomes a dead letter: logged, counted, kept for listing and replay unless the caller keeps
    /// its own (a durable outbox asks for the answers, <see cref="DeliverAsync"/>), and handed to
    /// <see cref="ConversionsApiOptions.OnDeadLetter"/>.
    /// </summary>
    private void DeadLetter(ConversionEventRecord record, SendResult result, bool keptByCaller)
    {
        instrumentation.Dropped(DropReason.DeadLetter);
        var status = result.StatusCode ?? 0;
        ConversionsApiLog.EventDeadLettered(logger, record.Id, record.EventType, status, MessageText(result), RequestIdText(result));
        var deadLetter = new DeadLetteredEvent(record, status, result.ErrorMessage, result.RequestId, timeProvider.GetUtcNow());
        if (!keptByCaller)
        {
            deadLetters.Add(deadLetter);
        }

        if (options.CurrentValue.ConversionsApi.OnDeadLetter is { } callback)
        {
            try
            {
                callback(deadLetter);
            }
            catch (Exception ex)
            {
                ConversionsApiLog.DeadLetterCallbackFailed(logger, ex, record.Id, record.EventType);
            }
        }
    }

    /// <summary>The API's error message for a log line, or a plain statement that the body had none.</summary>
    public static string MessageText(SendResult result) => result.ErrorMessage ?? "no error message in the response";

    /// <summary>The request id for a log line: the API's <c>x-request-id</c>, or a plain statement that there was none.</summary>
    public static string RequestIdText(SendResult result) => result.RequestId ?? "none in the response";

    /// <summary>The state of one split-and-send round.</summary>
    private sealed class Round(ConversionsApiClient client, ConversionEventRecord[] records, List<ConversionEventRecord> retained, SendResult?[]? deadLettered)
    {
        /// <summary>Where the answer that dead-lettered each record is kept, when the caller asked for it.</summary>
        public SendResult?[]? DeadLettered { get; } = deadLettered;

        public ConversionsApiClient Client { get; } = client;

        public ConversionEventRecord[] Records { get; } = records;

        /// <summary>How many records, from the first, were delivered, dead-lettered or put back for a retry: segments are handled in order.</summary>
        public int Handled { get; private set; }

        public SendResult? Failure { get; set; }

        public int Delivered { get; set; }

        public void MarkHandled(int offset, int count) => Handled = offset + count;

        public void Retain(int offset, int count)
        {
            retained.AddRange(new ArraySegment<ConversionEventRecord>(Records, offset, count));
            MarkHandled(offset, count);
        }
    }
}
