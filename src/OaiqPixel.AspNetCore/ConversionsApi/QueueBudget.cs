namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The records every pixel's lane holds together, bounded by <see cref="ConversionsApiOptions.MaxTotalQueueSize"/>: a
/// resolver that names many pixels cannot make the server leg hold more than that, whatever each lane's own
/// <see cref="ConversionsApiOptions.MaxQueueSize"/> allows. Reserving and releasing never take a lock.
/// </summary>
internal sealed class QueueBudget(int capacity)
{
    private int _count;

    /// <summary>The most records held across every lane.</summary>
    public int Capacity { get; } = Math.Max(1, capacity);

    /// <summary>The records held across every lane.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Reserves room for one record; <see langword="false"/> when every lane together is full.</summary>
    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        return true;
    }

    /// <summary>Gives back the room of a record that left a lane (taken for a batch, or not added after all).</summary>
    public void Release() => Interlocked.Decrement(ref _count);
}
