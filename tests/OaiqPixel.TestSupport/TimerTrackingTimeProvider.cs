using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace OaiqPixel.TestSupport;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that records the due time of every timer created or re-armed on it (a
/// <c>Task.Delay</c>, a <c>CancellationTokenSource</c> with a delay, Polly's retry delays and timeouts), so a test can wait for the positive
/// marker "the code under test now waits on this clock for that long" before it asserts that nothing happened yet, and
/// then advance the clock.
/// </summary>
/// <param name="startDateTime">The clock's first reading.</param>
public sealed class TimerTrackingTimeProvider(DateTimeOffset startDateTime) : FakeTimeProvider(startDateTime)
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _dueTimes = [];

    /// <summary>The due time of every timer created or re-armed so far, in order.</summary>
    public IReadOnlyList<TimeSpan> TimerDueTimes
    {
        get
        {
            lock (_gate)
            {
                return [.. _dueTimes];
            }
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Record(dueTime);
        return new TrackedTimer(this, base.CreateTimer(callback, state, dueTime, period));
    }

    /// <summary>Waits until a timer due in exactly <paramref name="dueTime"/> has been created or re-armed on this clock.</summary>
    /// <param name="dueTime">The wait the code under test is expected to start.</param>
    /// <param name="what">What that wait is, for the failure message ("the retry after the API's Retry-After").</param>
    /// <param name="timeout">How long to wait in real time; <see cref="Wait.DefaultTimeout"/> by default.</param>
    public Task WaitForTimerAsync(TimeSpan dueTime, string what, TimeSpan? timeout = null) =>
        Wait.UntilAsync(
            () => TimerDueTimes.Contains(dueTime),
            string.Create(CultureInfo.InvariantCulture, $"{what} (a timer due in {dueTime} on the fake clock)"),
            () => "timers due in " + string.Join(", ", TimerDueTimes),
            timeout);

    private void Record(TimeSpan dueTime)
    {
        lock (_gate)
        {
            _dueTimes.Add(dueTime);
        }
    }

    /// <summary>A timer that reports its re-arming too (<c>CancelAfter</c> on a source created without a delay).</summary>
    private sealed class TrackedTimer(TimerTrackingTimeProvider owner, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Record(dueTime);
            return inner.Change(dueTime, period);
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
