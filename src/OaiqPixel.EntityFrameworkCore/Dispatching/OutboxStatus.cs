namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>The dispatcher's recent state, shared with the health check, the table gauges and <see cref="IOaiqOutbox"/>.</summary>
internal sealed class OutboxStatus
{
    /// <summary>The most deliveries remembered for <see cref="OaiqOutboxSnapshot.RecentlyDelivered"/>.</summary>
    public const int RecentCapacity = 200;

    private readonly Lock _lock = new();
    private readonly LinkedList<OaiqOutboxDelivery> _recent = new();
    private Failures _database;
    private Failures _api;
    private DateTimeOffset? _lastRound;
    private long _delivered;
    private string? _idleReason;
    private long? _pending;
    private long? _deadLetters;

    public void Idle(string reason)
    {
        lock (_lock)
        {
            _idleReason = reason;
        }
    }

    /// <summary>A round reached the database; returns how many rounds before it did not.</summary>
    public int DatabaseReached(DateTimeOffset at)
    {
        lock (_lock)
        {
            _lastRound = at;
            return Reset(ref _database);
        }
    }

    /// <summary>A round could not reach the database; returns the failures in a row.</summary>
    public int DatabaseFailed(DateTimeOffset at, string reason)
    {
        lock (_lock)
        {
            return Fail(ref _database, at, reason);
        }
    }

    /// <summary>A round delivered what it sent; returns how many rounds before it failed.</summary>
    public int ApiSucceeded()
    {
        lock (_lock)
        {
            return Reset(ref _api);
        }
    }

    /// <summary>A round's records were kept for a retry; returns the failures in a row.</summary>
    public int ApiFailed(DateTimeOffset at, string reason)
    {
        lock (_lock)
        {
            return Fail(ref _api, at, reason);
        }
    }

    public void Delivered(IEnumerable<OaiqOutboxDelivery> deliveries)
    {
        lock (_lock)
        {
            foreach (var delivery in deliveries)
            {
                _delivered++;
                _recent.AddFirst(delivery);
                if (_recent.Count > RecentCapacity)
                {
                    _recent.RemoveLast();
                }
            }
        }
    }

    public void Counted(long pending, long deadLetters)
    {
        lock (_lock)
        {
            _pending = pending;
            _deadLetters = deadLetters;
        }
    }

    public Snapshot Read(int recent)
    {
        lock (_lock)
        {
            return new Snapshot(_idleReason, _lastRound, _delivered, [.. _recent.Take(recent)], _database, _api, _pending, _deadLetters);
        }
    }

    private static int Reset(ref Failures failures)
    {
        var count = failures.Count;
        failures = default;
        return count;
    }

    private static int Fail(ref Failures failures, DateTimeOffset at, string reason)
    {
        failures = new Failures(failures.Since ?? at, failures.Count + 1, reason);
        return failures.Count;
    }

    /// <summary>Rounds failed in a row (of the database or of the API): since when, how many, and the last error.</summary>
    public readonly record struct Failures(DateTimeOffset? Since, int Count, string? Error);

    public sealed record Snapshot(
        string? IdleReason,
        DateTimeOffset? LastRound,
        long Delivered,
        IReadOnlyList<OaiqOutboxDelivery> Recent,
        Failures Database,
        Failures Api,
        long? Pending,
        long? DeadLetters);
}
