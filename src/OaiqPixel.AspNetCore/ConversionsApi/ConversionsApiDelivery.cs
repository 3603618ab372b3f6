using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// <see cref="IConversionsApiDelivery"/> over <see cref="BatchDelivery"/>: groups the records by pixel, cuts each group
/// into requests of <see cref="ConversionsApiOptions.MaxBatchSize"/>, and turns each request's outcome into one result per
/// record, with the back-off (<see cref="DeliveryBackoff.NextDelay"/>) for what is kept, counted per pixel over the calls.
/// </summary>
internal sealed class ConversionsApiDelivery(BatchDelivery delivery, IOptionsMonitor<OaiqTrackingOptions> options) : IConversionsApiDelivery
{
    private const string ServerLegOff = "The Conversions API server leg is off: no ConversionsApi:ApiKey is set.";

    /// <summary>Failed calls in a row per pixel (a call that delivers, dead-letters or drops a record of it ends the run).</summary>
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<ConversionEventDeliveryResult>> DeliverAsync(IReadOnlyList<ConversionEventRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        for (var i = 0; i < records.Count; i++)
        {
            _ = records[i] ?? throw new ArgumentNullException(nameof(records), $"records[{i}] is null.");
        }

        var results = new ConversionEventDeliveryResult[records.Count];
        var api = options.CurrentValue.ConversionsApi;
        foreach (var pixel in Enumerable.Range(0, records.Count).GroupBy(i => records[i].PixelId, StringComparer.Ordinal))
        {
            TimeSpan? backoff = null;
            TimeSpan Backoff(TimeSpan? retryAfter) => backoff ??= DeliveryBackoff.NextDelay(api, CountFailure(pixel.Key), retryAfter);
            if (!api.IsEnabled)
            {
                foreach (var i in pixel)
                {
                    results[i] = new ConversionEventDeliveryResult(records[i], ConversionEventDeliveryOutcome.KeptForRetry, null, ServerLegOff, null, null, Backoff(null));
                }

                continue;
            }

            SendResult? failure = null;
            foreach (var indices in pixel.Chunk(api.BatchSize))
            {
                if (failure is { } stopped)
                {
                    // The API is failing for this pixel: keep the rest for the caller's retry rather than pile on.
                    foreach (var i in indices)
                    {
                        results[i] = Kept(records[i], stopped, Backoff(stopped.RetryAfter));
                    }

                    continue;
                }

                var chunk = Array.ConvertAll(indices, i => records[i]);
                var retained = new List<ConversionEventRecord>();
                var deadLettered = new SendResult?[chunk.Length];
                var stale = new bool[chunk.Length];
                (failure, _, _) = await delivery.DeliverAsync(chunk, retained, deadLettered, stale, cancellationToken).ConfigureAwait(false);
                var kept = retained.Count == 0 ? null : new HashSet<ConversionEventRecord>(retained, ReferenceEqualityComparer.Instance);
                for (var j = 0; j < chunk.Length; j++)
                {
                    results[indices[j]] = stale[j]
                        ? new ConversionEventDeliveryResult(chunk[j], ConversionEventDeliveryOutcome.Stale, null, null, null, null, null)
                        : deadLettered[j] is { } rejected
                        ? new ConversionEventDeliveryResult(chunk[j], ConversionEventDeliveryOutcome.DeadLettered, rejected.StatusCode, rejected.ErrorMessage, rejected.RequestId, null, null)
                        : kept is not null && kept.Contains(chunk[j])
                            ? Kept(chunk[j], failure!.Value, Backoff(failure!.Value.RetryAfter))
                            : new ConversionEventDeliveryResult(chunk[j], ConversionEventDeliveryOutcome.Delivered, null, null, null, null, null);
                }
            }

            if (backoff is null)
            {
                _failures.TryRemove(pixel.Key, out _);
            }
        }

        return results;
    }

    private int CountFailure(string pixel) => _failures.AddOrUpdate(pixel, 1, static (_, n) => n + 1);

    private static ConversionEventDeliveryResult Kept(ConversionEventRecord record, SendResult failure, TimeSpan delay) =>
        new(record, ConversionEventDeliveryOutcome.KeptForRetry, failure.StatusCode, failure.ErrorMessage, failure.RequestId, failure.RetryAfter, delay);
}
