using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Diagnostics;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The in-memory path's dead letters: the newest <see cref="ConversionsApiOptions.MaxDeadLetters"/> kept by
/// <see cref="BatchDelivery"/> where it decides them, listed and replayed into the in-memory queue
/// (<see cref="ConversionEventQueue"/>). Its inspector is keyed <see cref="IOaiqStoreInspector.InMemoryKey"/>.
/// </summary>
/// <remarks>Per process and lost on restart: a store that must outlive it is the outbox.</remarks>
internal sealed class InMemoryDeadLetters(
    ConversionEventQueue queue, IOaiqPixelResolver pixels, IOptionsMonitor<OaiqTrackingOptions> options, TimeProvider time, ILogger<InMemoryDeadLetters> logger)
    : IOaiqStoreInspector
{
    private readonly Lock _lock = new();
    private readonly LinkedList<DeadLetteredEvent> _letters = new();
    private long _delivered;

    public string Name => "In-memory queue (this process)";

    /// <summary>Dead letters kept now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _letters.Count;
            }
        }
    }

    /// <summary>Keeps a dead letter, forgetting the oldest past the limit (read at each call, so a reload applies).</summary>
    public void Add(DeadLetteredEvent deadLetter)
    {
        var capacity = options.CurrentValue.ConversionsApi.MaxDeadLetters;
        lock (_lock)
        {
            _letters.AddLast(deadLetter);
            while (_letters.Count > Math.Max(0, capacity))
            {
                _letters.RemoveFirst();
            }
        }
    }

    /// <summary>Counts records the in-memory path delivered.</summary>
    public void Delivered(int count) => Interlocked.Add(ref _delivered, count);

    public Task<OaiqStoreSnapshot> GetSnapshotAsync(int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, 1000);
        List<OaiqStoredEvent> dead;
        int count;
        lock (_lock)
        {
            count = _letters.Count;
            dead = [.. _letters.Reverse().Take(take).Select(static d => new OaiqStoredEvent(d.Record.Id, d.Record.EventType)
            {
                PixelId = d.Record.PixelId,
                At = d.RejectedAt,
                Attempts = 1,
                LastStatusCode = d.StatusCode,
                LastError = d.ErrorMessage,
            })];
        }

        return Task.FromResult(new OaiqStoreSnapshot(queue.Count, count, Interlocked.Read(ref _delivered), [], dead, []));
    }

    public Task<OaiqReplayResult> ReplayDeadLettersAsync(OaiqReplayRequest request, CancellationToken cancellationToken)
    {
        OaiqReplayRequest.ThrowIfUnknownTarget(request, pixels);
        var now = time.GetUtcNow();
        var matchedIds = new HashSet<string>(StringComparer.Ordinal);
        var taken = new List<DeadLetteredEvent>();
        var tooOld = 0;

        // Taken out under the lock, so two replays at once never send one dead letter twice.
        lock (_lock)
        {
            for (var node = _letters.First; node is not null;)
            {
                var next = node.Next;
                var record = node.Value.Record;
                if (request.Matches(record.PixelId, record.Id))
                {
                    matchedIds.Add(record.Id);
                    if (record.IsTooOld(now))
                    {
                        tooOld++;
                    }
                    else
                    {
                        taken.Add(node.Value);
                        _letters.Remove(node);
                    }
                }

                node = next;
            }
        }

        var replayed = 0;
        var notTaken = new List<DeadLetteredEvent>();
        foreach (var deadLetter in taken)
        {
            var record = request.ToPixelId is { } pixelId ? deadLetter.Record.ForPixel(pixelId) : deadLetter.Record;
            if (queue.TryAdd(record))
            {
                replayed++;
            }
            else
            {
                notTaken.Add(deadLetter);
            }
        }

        if (notTaken.Count > 0)
        {
            lock (_lock)
            {
                foreach (var deadLetter in notTaken)
                {
                    _letters.AddLast(deadLetter);
                }
            }
        }

        var result = new OaiqReplayResult(replayed, tooOld, request.EventIds?.Distinct(StringComparer.Ordinal).Count(id => !matchedIds.Contains(id)) ?? 0, notTaken.Count);
        DeadLetterLog.Replayed(logger, Name, request.PixelId ?? "every pixel", request.ToPixelId ?? "its own pixel", result.Replayed, result.TooOld, result.NotFound, result.NotTaken);
        return Task.FromResult(result);
    }
}
