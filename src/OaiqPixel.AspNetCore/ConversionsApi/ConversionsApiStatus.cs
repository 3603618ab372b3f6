namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>The sender's recent delivery state, shared with the health check.</summary>
internal sealed class ConversionsApiStatus
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _lastSuccess;
    private DateTimeOffset? _failingSince;
    private int _consecutiveFailures;
    private string? _lastFailure;
    private volatile int _retained;

    /// <summary>Events the sender holds: the batch being filled or sent, or kept for a retry (out of the channel, not delivered).</summary>
    public int Retained
    {
        get => _retained;
        set => _retained = value;
    }

    public void RecordSuccess(DateTimeOffset at, out int previousFailures)
    {
        lock (_lock)
        {
            previousFailures = _consecutiveFailures;
            _lastSuccess = at;
            _failingSince = null;
            _consecutiveFailures = 0;
            _lastFailure = null;
        }
    }

    public void RecordFailure(DateTimeOffset at, string description)
    {
        lock (_lock)
        {
            _failingSince ??= at;
            _consecutiveFailures++;
            _lastFailure = description;
        }
    }

    public Snapshot Read()
    {
        lock (_lock)
        {
            return new Snapshot(_lastSuccess, _failingSince, _consecutiveFailures, _lastFailure);
        }
    }

    /// <summary>A consistent copy of the state.</summary>
    public readonly record struct Snapshot(DateTimeOffset? LastSuccess, DateTimeOffset? FailingSince, int ConsecutiveFailures, string? LastFailure);
}
