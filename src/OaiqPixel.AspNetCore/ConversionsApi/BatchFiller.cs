namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Assembles a pixel lane's next batch from its backlog, as OpenTelemetry's batch processor does: on
/// <see cref="ConversionsApiOptions.MaxBatchSize"/> or after <see cref="ConversionsApiOptions.FlushInterval"/> since the
/// batch's first record. Records out of the queue but not delivered yet stay counted in the queue-length gauge and the
/// health check (<see cref="ConversionsApiStatus.Retained"/>).
/// </summary>
internal sealed class BatchFiller(PixelLane lane, TimeProvider timeProvider)
{
    /// <summary>Fills an empty batch: returns when it is full, when <paramref name="interval"/> since its first record has passed, or at once when stopping.</summary>
    public async Task FillAsync(List<ConversionEventRecord> batch, int max, TimeSpan interval, CancellationToken stoppingToken)
    {
        Drain(batch, max);
        if (batch.Count >= max || stoppingToken.IsCancellationRequested)
        {
            return;
        }

        if (batch.Count == 0)
        {
            try
            {
                if (!await lane.Backlog.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                Drain(batch, max);
                return;
            }

            Drain(batch, max);
        }

        if (batch.Count >= max || interval <= TimeSpan.Zero)
        {
            return;
        }

        // One timer per batch: wait for more records until the batch is full or the interval is over.
        using var flush = new CancellationTokenSource(interval, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(flush.Token, stoppingToken);
        while (batch.Count < max)
        {
            try
            {
                if (!await lane.Backlog.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                Drain(batch, max);
                return;
            }

            Drain(batch, max);
        }
    }

    /// <summary>Moves records from the queue into the batch, up to <paramref name="max"/>.</summary>
    public void Drain(List<ConversionEventRecord> batch, int max)
    {
        while (batch.Count < max && lane.Backlog.TryTake(out var record))
        {
            batch.Add(record);
        }

        // Out of the channel but not delivered yet: still counted in the queue-length gauge and the health check.
        lane.Status.Retained = batch.Count;
    }
}
