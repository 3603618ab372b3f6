namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// One round's claim and what the dispatcher knows about the records under it, so that a round the database cuts short
/// can be finished safely: records it knows were not delivered are handed back at once (not left to the lease), records
/// it knows were delivered are deleted first (never handed back, so never sent again by another instance), and records
/// whose send was cut are left to the lease (another instance may send them only once it ran out).
/// </summary>
/// <remarks>
/// The phase moves Held → Sending → Known, or Held → GivenBack when a stop hands the records back while the round is
/// still before its send; the compare-and-swap makes "start sending" and "give back" exclusive, since a stop past the
/// host's deadline runs beside the round.
/// <para>
/// The lease is kept on two clocks: <see cref="LeaseUntil"/> is the database's time written on the records (which other
/// instances compare with), and the instance counts the same lease on its own monotonic clock from just before the
/// statement that set it, so it knows, without asking the database, when it may no longer rely on holding them.
/// </para>
/// </remarks>
internal sealed class HeldClaim(Guid id)
{
    private const int Held = 0;
    private const int Sending = 1;
    private const int Known = 2;
    private const int GivenBack = 3;

    private int _phase;
    private int _reported;
    private long[] _delivered = [];
    private DateTimeOffset? _releaseDueAt;
    private readonly Lock _leaseLock = new();
    private DateTimeOffset _databaseNow;
    private long _databaseNowAt;
    private long _leaseFrom;
    private TimeSpan _lease;
    private bool _lapsed;

    public Guid Id { get; } = id;

    /// <summary>How many records the claim took (0 while its statement has not answered).</summary>
    public int Count { get; private set; }

    public DateTimeOffset LeaseUntil { get; private set; }

    public bool NothingSent => Volatile.Read(ref _phase) == Held;

    /// <summary>Whether a send was under way when the round ended: what the API saved is unknown, so nothing may be handed back.</summary>
    public bool OutcomeUnknown => Volatile.Read(ref _phase) == Sending;

    public bool OutcomeKnown => Volatile.Read(ref _phase) == Known;

    public IReadOnlyCollection<long> Delivered => Volatile.Read(ref _delivered);

    public DateTimeOffset? ReleaseDueAt => _releaseDueAt;

    /// <summary>Records what the claim statement returned; <paramref name="startedAt"/> is the instance's timestamp taken before it was sent.</summary>
    public void Claimed(int count, DateTimeOffset databaseNow, long startedAt, TimeSpan lease, TimeProvider time)
    {
        lock (_leaseLock)
        {
            Count = count;
            _databaseNow = databaseNow;
            _databaseNowAt = time.GetTimestamp();
            _leaseFrom = startedAt;
            _lease = lease;
            LeaseUntil = databaseNow + lease;
        }
    }

    /// <summary>The database's time now, carried forward from the claim by the instance's elapsed time.</summary>
    public DateTimeOffset DatabaseNow(TimeProvider time)
    {
        lock (_leaseLock)
        {
            return _databaseNow + time.GetElapsedTime(_databaseNowAt);
        }
    }

    /// <summary>Whether the lease ran out before a renewal reached the database: another instance may hold the records now.</summary>
    public bool HasLapsed(TimeProvider time)
    {
        lock (_leaseLock)
        {
            _lapsed |= time.GetElapsedTime(_leaseFrom) >= _lease;
            return _lapsed;
        }
    }

    /// <summary>Records a renewal that wrote <paramref name="leaseUntil"/> on the records; one begun after the lease ran out revives nothing.</summary>
    public void Renewed(long startedAt, DateTimeOffset leaseUntil, TimeProvider time)
    {
        lock (_leaseLock)
        {
            if (_lapsed || time.GetElapsedTime(_leaseFrom, startedAt) >= _lease)
            {
                _lapsed = true;
                return;
            }

            _leaseFrom = startedAt;
            LeaseUntil = leaseUntil;
        }
    }

    /// <summary>Moves to sending, unless a stop gave the records back first (then the round must not send them).</summary>
    public bool TryStartSending() => Interlocked.CompareExchange(ref _phase, Sending, Held) == Held;

    public void SendFinished(long[] delivered, DateTimeOffset? releaseDueAt)
    {
        _releaseDueAt = releaseDueAt;
        Volatile.Write(ref _delivered, delivered);
        Volatile.Write(ref _phase, Known);
    }

    /// <summary>Whether this is the first time the records are reported as left to the lease (the round and a stop may both see it).</summary>
    public bool TryReportLeftToLease() => Interlocked.Exchange(ref _reported, 1) == 0;

    /// <summary>For a stop: hands the records back if the round has not started sending them.</summary>
    public bool TryGiveBack() => Interlocked.CompareExchange(ref _phase, GivenBack, Held) == Held;
}
