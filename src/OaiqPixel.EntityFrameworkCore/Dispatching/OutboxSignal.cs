namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// Wakes this process's dispatcher when records are committed here, so delivery does not wait for the next poll; counts
/// them, so a full batch is sent without waiting for the flush interval.
/// </summary>
internal sealed class OutboxSignal
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _count;

    /// <summary>Records committed since the dispatcher last took the count.</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Notify(int count)
    {
        if (count <= 0)
        {
            return;
        }

        Interlocked.Add(ref _count, count);
        lock (_lock)
        {
            _signal.TrySetResult();
        }
    }

    public long TakeCount() => Interlocked.Exchange(ref _count, 0);

    /// <summary>Completes when <see cref="Notify"/> is (or was, since the last wait) called.</summary>
    public Task WaitAsync()
    {
        lock (_lock)
        {
            if (_signal.Task.IsCompleted)
            {
                var signalled = _signal.Task;
                _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return signalled;
            }

            return _signal.Task;
        }
    }
}
