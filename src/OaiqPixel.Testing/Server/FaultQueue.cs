namespace OaiqPixel.Testing.Server;

/// <summary>
/// The faults queued for the next requests, one per request in arrival order. Its own lock: no reader needs the queue
/// and the recordings in one consistent step (a request takes its fault before it is recorded).
/// </summary>
internal sealed class FaultQueue
{
    private readonly Lock _gate = new();
    private readonly Queue<Fault> _faults = new();
    private readonly Dictionary<string, Fault> _byPixel = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _faults.Count;
            }
        }
    }

    /// <summary>Appends <paramref name="faults"/> in order, as one step (no request takes a fault in between).</summary>
    public void Enqueue(IEnumerable<Fault> faults)
    {
        lock (_gate)
        {
            foreach (var fault in faults)
            {
                _faults.Enqueue(fault);
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Sets (or, with <see langword="null"/>, clears) the fault every request for one pixel gets.</summary>
    public void SetPixelFault(string pixelId, Fault? fault)
    {
        lock (_gate)
        {
            if (fault is null)
            {
                _byPixel.Remove(pixelId);
            }
            else
            {
                _byPixel[pixelId] = fault;
            }
        }
    }

    /// <summary>
    /// The fault for a request: its pixel's standing fault, if any (the queued ones are left for other requests); else the
    /// next queued fault; <see langword="null"/> when none is queued or the next is <see cref="Fault.None"/>.
    /// </summary>
    public Fault? Dequeue(string? pixelId = null)
    {
        lock (_gate)
        {
            if (pixelId is not null && _byPixel.TryGetValue(pixelId, out var standing))
            {
                return standing.Kind != FaultKind.None ? standing : null;
            }

            return _faults.TryDequeue(out var fault) && fault.Kind != FaultKind.None ? fault : null;
        }
    }
}
