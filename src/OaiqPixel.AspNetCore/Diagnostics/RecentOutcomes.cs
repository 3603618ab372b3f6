using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>
/// The outcomes of the last <see cref="Capacity"/> Conversions API requests, for the support bundle: fed where each
/// request's answer is known (<see cref="BatchDelivery"/>, which every sender goes through), a fixed ring, so memory
/// stays bounded whatever the traffic. Keeps the API's answer (outcome, status, <c>x-request-id</c>), never the events
/// nor the answer's message (<see cref="SupportBundleOutcome"/> says why).
/// </summary>
internal sealed class RecentOutcomes(TimeProvider timeProvider)
{
    /// <summary>How many requests are kept.</summary>
    public const int Capacity = 50;

    private readonly SupportBundleOutcome?[] _ring = new SupportBundleOutcome?[Capacity];
    private readonly Lock _lock = new();
    private int _next;

    /// <summary>Keeps one request's outcome, replacing the oldest.</summary>
    public void Add(SendResult result, int eventCount)
    {
        var entry = new SupportBundleOutcome(timeProvider.GetUtcNow(), SendResult.OutcomeName(result.Outcome), result.StatusCode, eventCount, result.RequestId);
        lock (_lock)
        {
            _ring[_next] = entry;
            _next = (_next + 1) % Capacity;
        }
    }

    /// <summary>The kept outcomes, newest first.</summary>
    public IReadOnlyList<SupportBundleOutcome> Snapshot()
    {
        var list = new List<SupportBundleOutcome>(Capacity);
        lock (_lock)
        {
            for (var i = 1; i <= Capacity; i++)
            {
                if (_ring[(_next - i + Capacity) % Capacity] is { } entry)
                {
                    list.Add(entry);
                }
            }
        }

        return list;
    }
}
