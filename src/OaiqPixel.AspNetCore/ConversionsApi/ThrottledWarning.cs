namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Counts drops of one kind and says when a warning is due: the first drop, then at most once per
/// <see cref="ConversionEventQueue.QueueFullWarningInterval"/>, carrying the drops since the last warning. Lock-free: a full
/// queue is hit on the request path.
/// </summary>
internal sealed class ThrottledWarning(TimeProvider timeProvider, TimeSpan interval)
{
    private long _droppedSinceWarning;
    private long _lastWarningTimestamp;
    private int _warningIssued;

    /// <summary>Counts one drop; when a warning is due, the drops it reports (this one included), otherwise 0.</summary>
    public long Drop()
    {
        Interlocked.Increment(ref _droppedSinceWarning);
        var now = timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref _lastWarningTimestamp);
        var due = Volatile.Read(ref _warningIssued) == 0 || timeProvider.GetElapsedTime(last, now) >= interval;
        if (!due || Interlocked.CompareExchange(ref _lastWarningTimestamp, now, last) != last)
        {
            return 0;
        }

        Volatile.Write(ref _warningIssued, 1);
        return Interlocked.Exchange(ref _droppedSinceWarning, 0);
    }
}
