namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>The dispatcher's recent state, shared with the health check and <see cref="IOaiqOutbox"/>.</summary>
internal sealed class OutboxStatus
{
    /// <summary>The most deliveries remembered for <see cref="OaiqOutboxSnapshot.RecentlyDelivered"/>.</summary>
    public const int RecentCapacity = 200;

    private readonly Lock _lock = new();
    private readonly LinkedList<OaiqOutboxDelivery> _recent = new();
    private DateTimeOffset? _databaseFailingSince;
    private int _databaseFailures;
    private string? _databaseError;
    private DateTimeOffset? _apiFailingSince;
    private int _apiFailures;
    private string? _apiError;
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
            var failures = _databaseFailures;
            _databaseFailures = 0;
            _databaseFailingSince = null;
            _databaseError = null;
            _lastRound = at;
            return failures;
        }
    }

    /// <summary>A round could not reach the database; returns the failures in a row.</summary>
    public int DatabaseFailed(DateTimeOffset at, string reason)
    {
        lock (_lock)
        {
            _databaseFailingSince ??= at;
            _databaseError = reason;
            return ++_databaseFailures;
        }
    }

    /// <summary>A round delivered what it sent; returns how many rounds before it failed.</summary>
    public int ApiSucceeded()
    {
        lock (_lock)
        {
            var failures = _apiFailures;
            _apiFailures = 0;
            _apiFailingSince = null;
            _apiError = null;
            return failures;
        }
    }

    /// <summary>A round's records were kept for a retry; returns the failures in a row.</summary>
    public int ApiFailed(DateTimeOffset at, string reason)
    {
        lock (_lock)
        {
            _apiFailingSince ??= at;
            _apiError = reason;
            return ++_apiFailures;
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
            return new Snapshot(
                _idleReason, _lastRound, _delivered, [.. _recent.Take(recent)],
                _databaseFailingSince, _databaseFailures, _databaseError,
                _apiFailingSince, _apiFailures, _apiError,
                _pending, _deadLetters);
        }
    }

    /// <summary>A consistent copy of the state.</summary>
    public sealed record Snapshot(
        string? IdleReason,
        DateTimeOffset? LastRound,
        long Delivered,
        IReadOnlyList<OaiqOutboxDelivery> Recent,
        DateTimeOffset? DatabaseFailingSince,
        int DatabaseFailures,
        string? DatabaseError,
        DateTimeOffset? ApiFailingSince,
        int ApiFailures,
        string? ApiError,
        long? Pending,
        long? DeadLetters);
}
