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
    /// <param name="batch">The empty batch to fill.</param>
    /// <param name="max">The most records in it.</param>
    /// <param name="interval">How long after its first record the batch goes as it is.</param>
    /// <param name="idleTimeout">How long to wait for a first record before giving up (the lane may be retired).</param>
    /// <param name="stoppingToken">Shutdown: return at once with what is there.</param>
    /// <returns><see langword="true"/> when no record came within <paramref name="idleTimeout"/> (the batch is empty).</returns>
    public async Task<bool> FillAsync(List<ConversionEventRecord> batch, int max, TimeSpan interval, TimeSpan idleTimeout, CancellationToken stoppingToken)
    {
        Drain(batch, max);
        if (batch.Count >= max || stoppingToken.IsCancellationRequested)
        {
            return false;
        }

        if (batch.Count == 0)
        {
            // An asynchronous wait: an idle lane holds no thread, only this continuation and its timer.
            using var idle = new CancellationTokenSource(idleTimeout, timeProvider);
            using var waitForFirst = CancellationTokenSource.CreateLinkedTokenSource(idle.Token, stoppingToken);
            try
            {
                if (!await lane.Backlog.WaitToReadAsync(waitForFirst.Token).ConfigureAwait(false))
                {
                    return false;
                }
            }
            catch (OperationCanceledException) when (waitForFirst.IsCancellationRequested)
            {
                Drain(batch, max);
                return batch.Count == 0 && !stoppingToken.IsCancellationRequested;
            }

            Drain(batch, max);
        }

        if (batch.Count >= max || interval <= TimeSpan.Zero)
        {
            return false;
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
                    return false;
                }
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                Drain(batch, max);
                return false;
            }

            Drain(batch, max);
        }

        return false;
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
