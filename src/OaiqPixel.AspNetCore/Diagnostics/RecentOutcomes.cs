using System.Text.RegularExpressions;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>
/// The outcomes of the last <see cref="Capacity"/> Conversions API requests, for the support bundle: fed where each
/// request's answer is known (<see cref="BatchDelivery"/>, which every sender goes through), a fixed ring, so memory
/// stays bounded whatever the traffic. Keeps the API's answer (status, <c>x-request-id</c>, message), never the events;
/// a message's quoted text is masked, since an API may quote the value it refused (an <c>oppref</c>, a digest).
/// </summary>
internal sealed partial class RecentOutcomes(TimeProvider timeProvider)
{
    /// <summary>How many requests are kept.</summary>
    public const int Capacity = 50;

    private readonly SupportBundleOutcome?[] _ring = new SupportBundleOutcome?[Capacity];
    private readonly Lock _lock = new();
    private int _next;

    /// <summary>Keeps one request's outcome, replacing the oldest.</summary>
    public void Add(SendResult result, int eventCount)
    {
        var entry = new SupportBundleOutcome(timeProvider.GetUtcNow(), SendResult.OutcomeName(result.Outcome), result.StatusCode, eventCount, result.RequestId, Mask(result.ErrorMessage));
        lock (_lock)
        {
            _ring[_next] = entry;
            _next = (_next + 1) % Capacity;
        }
    }

    /// <summary>The message with each quoted run (<c>"…"</c> or <c>'…'</c>) replaced by <c>"…"</c>.</summary>
    internal static string? Mask(string? message) => message is null ? null : Quoted().Replace(message, "\"…\"");

    [GeneratedRegex("\"[^\"]*\"|'[^']*'", RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();

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
