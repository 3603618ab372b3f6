using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Delivers one batch of one pixel's records: a request through the resilient client; a batch the API refuses for its
/// content (400/413/422, which spec §4.1 says fails the whole batch for one bad event) is split in halves until each
/// invalid record is alone and dead-lettered while every valid one is delivered. Any other failure keeps the records for
/// the caller to retry. Shared by every sender of records.
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
    /// Sends <paramref name="records"/>. On return <paramref name="retained"/> holds the records kept for a retry (in
    /// order); the result is the failure that stopped delivery, or <see langword="null"/> when every record was delivered
    /// or dead-lettered; <c>Delivered</c> counts the records the API accepted. When <paramref name="deadLettered"/> is
    /// given (as long as <paramref name="records"/>), the answer that dead-lettered <c>records[i]</c> is stored at
    /// <c>deadLettered[i]</c>.
    /// </summary>
    /// <exception cref="OperationCanceledException">
    /// <paramref name="cancellationToken"/> cut a request; <paramref name="retained"/> then holds every record neither
    /// delivered nor dead-lettered.
    /// </exception>
    public async Task<(SendResult? Failure, int Delivered)> DeliverAsync(ConversionEventRecord[] records, List<ConversionEventRecord> retained, SendResult?[]? deadLettered, CancellationToken cancellationToken)
    {
        var round = new Round(CreateClient(), records, retained, deadLettered);
        try
        {
            await SendSegmentAsync(round, 0, records.Length, knownBad: false, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            retained.AddRange(records.AsSpan(round.Handled));
            throw;
        }

        return (round.Failure, round.Delivered);
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
