using System.Threading.Channels;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The queue's store: a bounded, ordered sequence of records. New records go into a channel; when more records wait
/// than many batches' worth (the API is down or slow; 16 batches by default, see ConversionEventQueue), the oldest are compacted in runs of <see cref="RunLength"/>
/// (<see cref="CompactedRecords"/>) on a thread-pool thread, so a long outage costs about a sixth of the memory. Records
/// always come out in the order they went in: compacted runs first, then the channel.
/// </summary>
/// <remarks>
/// Adding never blocks and never takes a lock (an interlocked count bounds the store). Taking and compacting share one
/// lock, taken by the sender and by the compactor only.
/// </remarks>
/// <param name="capacity">The most records held at once.</param>
/// <param name="keepUncompacted">How many of the newest records are never compacted (a few batches: what a healthy sender reads next).</param>
/// <param name="budget">The bound shared with other pixels' backlogs, given back as records are taken; the adder reserves in it.</param>
internal sealed class RecordBacklog(int capacity, int keepUncompacted, QueueBudget? budget = null)
{
    /// <summary>How many records a compacted run holds.</summary>
    public const int RunLength = 256;

    private readonly Channel<ConversionEventRecord> _incoming = Channel.CreateUnbounded<ConversionEventRecord>();

    private readonly Lock _readLock = new();
    private readonly Queue<CompactedRecords> _runs = new();
    private ConversionEventRecord[]? _expanded;
    private int _expandedIndex;
    private int _count;
    private int _outsideChannel;
    private int _compacting;

    /// <summary>The records held.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The records held in compacted runs or in a run being read.</summary>
    public int OutsideChannel => Volatile.Read(ref _outsideChannel);

    /// <summary>Adds a record at the end; <see langword="false"/> when the store is full or completed.</summary>
    public bool TryAdd(ConversionEventRecord record)
    {
        if (Interlocked.Increment(ref _count) > capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        if (!_incoming.Writer.TryWrite(record))
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        if (NeedsCompaction() && Interlocked.CompareExchange(ref _compacting, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static backlog => backlog.Compact(), this, preferLocal: false);
        }

        return true;
    }

    /// <summary>Takes the oldest record.</summary>
    public bool TryTake([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConversionEventRecord? record)
    {
        lock (_readLock)
        {
            if (_expanded is null && _runs.TryDequeue(out var run))
            {
                _expanded = run.Expand();
                _expandedIndex = 0;
            }

            if (_expanded is { } expanded)
            {
                record = expanded[_expandedIndex];
                expanded[_expandedIndex++] = null!; // hand over the reference: the run's array must not keep it alive
                if (_expandedIndex == expanded.Length)
                {
                    _expanded = null;
                }

                Interlocked.Decrement(ref _outsideChannel);
            }
            else if (!_incoming.Reader.TryRead(out record))
            {
                return false;
            }
        }

        Interlocked.Decrement(ref _count);
        budget?.Release();
        return true;
    }

    /// <summary>Waits until a record can be taken; <see langword="false"/> once completed and empty.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) =>
        OutsideChannel > 0 ? new ValueTask<bool>(true) : _incoming.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Accepts no more records; those held can still be taken.</summary>
    public void Complete() => _incoming.Writer.TryComplete();

    /// <summary>Compacts now, on the calling thread, everything past the newest records kept as they are.</summary>
    internal void CompactNow()
    {
        while (Interlocked.CompareExchange(ref _compacting, 1, 0) != 0)
        {
            Thread.Yield();
        }

        Compact();
    }

    private bool NeedsCompaction() => Count - OutsideChannel > keepUncompacted + RunLength;

    private void Compact()
    {
        try
        {
            while (true)
            {
                CompactedRecords run;
                lock (_readLock)
                {
                    if (!NeedsCompaction())
                    {
                        break;
                    }

                    var records = new ConversionEventRecord[RunLength];
                    var taken = 0;
                    while (taken < records.Length && _incoming.Reader.TryRead(out var record))
                    {
                        records[taken++] = record;
                    }

                    run = new CompactedRecords(taken == records.Length ? records : records[..taken]);
                    _runs.Enqueue(run);
                    Interlocked.Add(ref _outsideChannel, taken);
                }

                // Off the lock: the sender may take the run meanwhile, as it is.
                try
                {
                    run.Compress();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Compaction only saves memory: a run that cannot be compressed stays as it is.
                }
            }
        }
        finally
        {
            Volatile.Write(ref _compacting, 0);
        }
    }
}
