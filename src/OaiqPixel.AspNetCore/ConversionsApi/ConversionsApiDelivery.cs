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

    /// <summary>Failed calls in a row per pixel (a call that delivers or dead-letters a record of it ends the run).</summary>
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<ConversionEventDeliveryResult>> DeliverAsync(IReadOnlyList<ConversionEventRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var results = new ConversionEventDeliveryResult[records.Count];
        var pixels = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<List<int>>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentNullException(nameof(records), $"records[{i}] is null.");
            if (!pixels.TryGetValue(record.PixelId, out var indices))
            {
                pixels[record.PixelId] = indices = [];
                order.Add(indices);
            }

            indices.Add(i);
        }

        var api = options.CurrentValue.ConversionsApi;
        if (!api.IsEnabled)
        {
            foreach (var indices in order)
            {
                var delay = DeliveryBackoff.NextDelay(api, CountFailure(records[indices[0]].PixelId), null);
                foreach (var i in indices)
                {
                    results[i] = new ConversionEventDeliveryResult(records[i], ConversionEventDeliveryOutcome.KeptForRetry, null, ServerLegOff, null, null, delay);
                }
            }

            return results;
        }

        var maxBatch = Math.Clamp(api.MaxBatchSize, 1, ConversionsApiOptions.MaxEventsPerRequest);
        foreach (var indices in order)
        {
            var pixel = records[indices[0]].PixelId;
            TimeSpan? backoff = null;
            TimeSpan Backoff(SendResult sent) => backoff ??= DeliveryBackoff.NextDelay(api, CountFailure(pixel), sent.RetryAfter);
            SendResult? failure = null;
            for (var start = 0; start < indices.Count; start += maxBatch)
            {
                var count = Math.Min(maxBatch, indices.Count - start);
                if (failure is { } stopped)
                {
                    // The API is failing for this pixel: keep the rest for the caller's retry rather than pile on.
                    for (var j = 0; j < count; j++)
                    {
                        var index = indices[start + j];
                        results[index] = Kept(records[index], stopped, Backoff(stopped));
                    }

                    continue;
                }

                var chunk = new ConversionEventRecord[count];
                for (var j = 0; j < count; j++)
                {
                    chunk[j] = records[indices[start + j]];
                }

                var retained = new List<ConversionEventRecord>();
                var deadLettered = new SendResult?[count];
                (failure, _) = await delivery.DeliverAsync(chunk, retained, deadLettered, cancellationToken).ConfigureAwait(false);
                var kept = retained.Count == 0 ? null : new HashSet<ConversionEventRecord>(retained, ReferenceEqualityComparer.Instance);
                for (var j = 0; j < count; j++)
                {
                    var index = indices[start + j];
                    results[index] = deadLettered[j] is { } rejected
                        ? new ConversionEventDeliveryResult(chunk[j], ConversionEventDeliveryOutcome.DeadLettered, rejected.StatusCode, rejected.ErrorMessage, rejected.RequestId, null, null)
                        : kept is not null && kept.Contains(chunk[j])
                            ? Kept(chunk[j], failure!.Value, Backoff(failure!.Value))
                            : new ConversionEventDeliveryResult(chunk[j], ConversionEventDeliveryOutcome.Delivered, null, null, null, null, null);
                }
            }

            if (backoff is null)
            {
                _failures.TryRemove(pixel, out _);
            }
        }

        return results;
    }

    private int CountFailure(string pixel) => _failures.AddOrUpdate(pixel, 1, static (_, n) => n + 1);

    private static ConversionEventDeliveryResult Kept(ConversionEventRecord record, SendResult failure, TimeSpan delay) =>
        new(record, ConversionEventDeliveryOutcome.KeptForRetry, failure.StatusCode, failure.ErrorMessage, failure.RequestId, failure.RetryAfter, delay);
}
