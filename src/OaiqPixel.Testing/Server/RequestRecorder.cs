using System.Globalization;
using System.Text.Json;

namespace OaiqPixel.Testing.Server;

/// <summary>
/// What <see cref="FakeConversionsApi"/> has seen: every request (the counts per status are read from them), the
/// accepted events (their ids too), and the waits for counts to be reached. One lock (<c>_gate</c>, owned here) guards all of it, so that a
/// request, its events and the signalling of the waiters it satisfies are one step for every reader.
/// </summary>
internal sealed class RequestRecorder
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly List<JsonElement> _events = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _eventWaiters = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _requestWaiters = [];
    private int _acceptedEventCount;
    private bool _closed;

    public int AcceptedEventCount => Read(() => _acceptedEventCount);

    public IReadOnlyList<ReceivedRequest> Requests => Read(() => _requests.ToArray());

    public IReadOnlyList<JsonElement> Events => Read(() => _events.ToArray());

    public IReadOnlySet<string> EventIds => Read(() => _events
        .Select(e => e.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null)
        .OfType<string>()
        .ToHashSet(StringComparer.Ordinal));

    public int TotalRequests => Read(() => _requests.Count);

    public int AbortedRequests => Read(() => _requests.Count(r => r.Aborted));

    public IReadOnlyDictionary<int, int> RequestsByStatus =>
        Read(() => _requests.Where(r => r.StatusCode is not null).CountBy(r => r.StatusCode!.Value).ToDictionary());

    public int CountRequests(int statusCode) => Read(() => _requests.Count(r => r.StatusCode == statusCode));

    /// <summary>Records one request with the events it got accepted, then releases the waits that are now satisfied.</summary>
    /// <param name="request">The request, answered or aborted.</param>
    /// <param name="acceptedEvents">Events to keep.</param>
    /// <param name="countedEvents">Events accepted without being kept (count-only mode).</param>
    public void Commit(ReceivedRequest request, IReadOnlyList<JsonElement> acceptedEvents, int countedEvents = 0)
    {
        lock (_gate)
        {
            _requests.Add(request);
            _acceptedEventCount += acceptedEvents.Count + countedEvents;
            _events.AddRange(acceptedEvents);

            Signal(_eventWaiters, _acceptedEventCount);
            Signal(_requestWaiters, _requests.Count);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
            _events.Clear();
            _acceptedEventCount = 0;
        }
    }

    public Task WaitForEventsAsync(int count, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForCountAsync(_eventWaiters, () => _acceptedEventCount, count, timeout, "accepted events", cancellationToken);

    public Task WaitForRequestsAsync(int count, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForCountAsync(_requestWaiters, () => _requests.Count, count, timeout, "requests", cancellationToken);

    /// <summary>From now on a new wait throws <see cref="ObjectDisposedException"/> (the fake is being disposed).</summary>
    public void RefuseNewWaits()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    /// <summary>Fails every pending wait with <see cref="ObjectDisposedException"/> (the server has stopped).</summary>
    public void FailPendingWaits()
    {
        lock (_gate)
        {
            foreach (var (_, signal) in _eventWaiters.Concat(_requestWaiters))
            {
                signal.TrySetException(new ObjectDisposedException(nameof(FakeConversionsApi)));
            }

            _eventWaiters.Clear();
            _requestWaiters.Clear();
        }
    }

    private T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    private static void Signal(List<(int Count, TaskCompletionSource Signal)> waiters, int current)
    {
        for (var i = waiters.Count - 1; i >= 0; i--)
        {
            if (waiters[i].Count <= current)
            {
                waiters[i].Signal.TrySetResult();
                waiters.RemoveAt(i);
            }
        }
    }

    private async Task WaitForCountAsync(
        List<(int Count, TaskCompletionSource Signal)> waiters,
        Func<int> current,
        int count,
        TimeSpan timeout,
        string what,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var entry = (count, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            // Named after the public type, as users see it disposed.
            ObjectDisposedException.ThrowIf(_closed, typeof(FakeConversionsApi));

            if (current() >= count)
            {
                return;
            }

            waiters.Add(entry);
        }

        try
        {
            await entry.Item2.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            int seen;
            lock (_gate)
            {
                waiters.Remove(entry);
                seen = current();
            }

            if (ex is TimeoutException)
            {
                throw new TimeoutException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Expected at least {count} {what} within {timeout.TotalMilliseconds:0} ms, but only {seen} arrived."));
            }

            throw;
        }
    }
}
