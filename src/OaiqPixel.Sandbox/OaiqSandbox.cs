namespace OaiqPixel.Sandbox;

/// <summary>
/// What the development sandbox saw: the pixel calls reported by the sandbox SDK, the events the sandbox Conversions
/// API accepted, the batches it refused, and why the app decided not to send an event's server leg (read from the
/// library's numbered logs as they are written). In memory, newest kept, bounded; a singleton registered by
/// <c>AddOaiqSandbox()</c>.
/// </summary>
/// <param name="timeProvider">The clock for arrival times and the grace period of a leg still to come.</param>
public sealed class OaiqSandbox(TimeProvider timeProvider)
{
    private const int Capacity = 2_000;
    private static readonly TimeSpan s_pendingWindow = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly List<SandboxBrowserCall> _browserCalls = [];
    private readonly List<SandboxServerEvent> _serverEvents = [];
    private readonly List<SandboxRejection> _rejections = [];
    private readonly OrderedDictionary<string, string> _notSent = new(StringComparer.Ordinal);
    private string? _serverLegOff;
    private string? _lastReplay;

    /// <summary>The clock used for arrival times.</summary>
    public TimeProvider TimeProvider { get; } = timeProvider;

    /// <summary>Every pixel call reported by a browser, oldest first.</summary>
    public IReadOnlyList<SandboxBrowserCall> BrowserCalls => Snapshot(_browserCalls);

    /// <summary>Every event the sandbox Conversions API accepted, oldest first.</summary>
    public IReadOnlyList<SandboxServerEvent> ServerEvents => Snapshot(_serverEvents);

    /// <summary>Every request the sandbox Conversions API refused, oldest first.</summary>
    public IReadOnlyList<SandboxRejection> Rejections => Snapshot(_rejections);

    /// <summary>Adds pixel calls reported by a browser's stub SDK.</summary>
    /// <param name="calls">The calls, oldest first.</param>
    public void Add(IEnumerable<SandboxBrowserCall> calls) => Append(_browserCalls, calls);

    /// <summary>Adds events the sandbox Conversions API accepted.</summary>
    /// <param name="events">The events, in the order received.</param>
    public void Add(IEnumerable<SandboxServerEvent> events) => Append(_serverEvents, events);

    /// <summary>Adds a request the sandbox Conversions API refused.</summary>
    /// <param name="rejection">The refusal.</param>
    public void Add(SandboxRejection rejection) => Append(_rejections, [rejection]);

    /// <summary>
    /// Notes that the app decided not to send an event's server leg, and why, e.g. <c>not sent: a bot's user agent — log
    /// 40</c>. The first reason given for an id is kept: its row says it at once instead of waiting for a leg that will not come.
    /// </summary>
    /// <param name="eventId">The event id.</param>
    /// <param name="reason">Why, as the page shows it.</param>
    internal void NoteNotSent(string eventId, string reason)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        ArgumentNullException.ThrowIfNull(reason);
        lock (_lock)
        {
            if (_notSent.TryAdd(eventId, reason) && _notSent.Count > Capacity)
            {
                _notSent.RemoveAt(0);
            }
        }
    }

    /// <summary>Notes that the server leg is off for the whole app (no Conversions API key): no row waits for it.</summary>
    /// <param name="reason">The library's reason (log 100), or <see langword="null"/> when it is on again.</param>
    internal void NoteServerLegOff(string? reason)
    {
        lock (_lock)
        {
            _serverLegOff = reason;
        }
    }

    /// <summary>What the page's last Replay did, as the page shows it; <see langword="null"/> before any (or after Clear).</summary>
    internal string? LastReplay
    {
        get
        {
            lock (_lock)
            {
                return _lastReplay;
            }
        }
    }

    /// <summary>Notes what a Replay button did, for the page to say.</summary>
    internal void NoteReplay(string outcome)
    {
        lock (_lock)
        {
            _lastReplay = outcome;
        }
    }

    /// <summary>Forgets every call, event, refusal and not-sent reason (the page's Clear button).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _browserCalls.Clear();
            _serverEvents.Clear();
            _rejections.Clear();
            _notSent.Clear();
            _lastReplay = null;
        }
    }

    /// <summary>
    /// Joins both legs by pixel and event id (each pixel deduplicates its own pair, spec §5), newest first, and says what
    /// is wrong with each: why the server leg was not sent when the app decided so, an id seen on one leg only (after a
    /// grace period for the sender's flush interval), different names on the two legs, or an id seen twice on a leg.
    /// </summary>
    /// <returns>The rows, newest first.</returns>
    public IReadOnlyList<SandboxEventRow> BuildRows()
    {
        var now = TimeProvider.GetUtcNow();
        Dictionary<string, string> notSent;
        string? serverLegOff;
        lock (_lock)
        {
            notSent = new(_notSent, StringComparer.Ordinal);
            serverLegOff = _serverLegOff;
        }

        // A browser call counts once for each pixel it reached (measure: every pixel initialized at the time, spec §1.7).
        var browser = BrowserCalls.Where(c => c.EventName is not null && !c.Dropped)
            .SelectMany(c => c.Pixels is { Count: > 0 } pixels ? pixels.Select(p => (Pixel: (string?)p, Call: c)) : [(Pixel: (string?)null, Call: c)])
            .ToList();
        var server = ServerEvents.Where(e => !e.ValidateOnly).ToList();

        // A leg that does not know its pixel (an old stub SDK) pairs with the other leg whatever its pixel.
        var keys = browser.Select(b => (b.Pixel, Id: b.Call.EventId ?? string.Empty)).Concat(server.Select(e => (Pixel: e.PixelId, e.Id))).Distinct().ToList();
        keys.RemoveAll(k => k.Pixel is null && keys.Any(o => o.Pixel is not null && o.Id == k.Id));

        var rows = new List<SandboxEventRow>();
        foreach (var (pixel, id) in keys)
        {
            var fired = browser.Where(b => (b.Call.EventId ?? string.Empty) == id && (pixel is null || b.Pixel is null || b.Pixel == pixel)).Select(b => b.Call).ToList();
            var received = server.Where(e => e.Id == id && (pixel is null || e.PixelId is null || e.PixelId == pixel)).ToList();

            // One id shared by several events (a sign-up that is a registration and a lead): the name is part of the
            // deduplication key (spec §5), so each name with both its legs is a pair of its own. Any other spread of
            // names over the legs stays one row, which names the mismatch.
            var firedNames = fired.Select(c => NameKey(c.EventName, c.CustomEventName)).ToHashSet();
            if (firedNames.Count > 1 && firedNames.SetEquals(received.Select(e => NameKey(e.Type, e.CustomEventName))))
            {
                foreach (var name in firedNames)
                {
                    AddRow(pixel, id, [.. fired.Where(c => NameKey(c.EventName, c.CustomEventName) == name)], [.. received.Where(e => NameKey(e.Type, e.CustomEventName) == name)]);
                }
            }
            else
            {
                AddRow(pixel, id, fired, received);
            }
        }

        // A measure the SDK dropped reaches neither leg: say why at once rather than list nothing.
        foreach (var call in BrowserCalls.Where(c => c.Dropped && c.EventName is not null && c.EventId is not null && !keys.Any(k => k.Id == c.EventId)).DistinctBy(c => c.EventId))
        {
            var why = call.Command == "measureSingle" && call.Pixels is not { Count: > 0 }
                ? "not sent: the page did not initialize this pixel, so the SDK lost it — log 82"
                : "not sent: consent not given, so neither leg (the SDK dropped it) — log 4";
            rows.Add(new SandboxEventRow(call.EventId!, NameKey(call.EventName, call.CustomEventName), null, 0, 0, null, call.Path, [why], call.ReceivedAt));
        }

        return [.. rows.OrderByDescending(r => r.LastSeen)];

        void AddRow(string? pixel, string id, List<SandboxBrowserCall> fired, List<SandboxServerEvent> received)
        {
            var browserName = fired.Select(c => NameKey(c.EventName, c.CustomEventName)).FirstOrDefault();
            var serverName = received.Select(e => NameKey(e.Type, e.CustomEventName)).FirstOrDefault();
            var lastSeen = fired.Select(c => c.ReceivedAt).Concat(received.Select(e => e.ReceivedAt)).Max();

            var problems = new List<string>();
            if (id.Length == 0)
            {
                problems.Add("measured without an event_id: the two legs cannot be deduplicated");
            }
            else if (received.Count == 0 && notSent.TryGetValue(id, out var reason))
            {
                problems.Add(reason);
            }
            else if (received.Count == 0 && serverLegOff is not null)
            {
                problems.Add($"not sent: the server leg is off ({serverLegOff}) — log 100");
            }
            else if (received.Count == 0)
            {
                problems.Add(now - lastSeen < s_pendingWindow
                    ? "server leg pending (the sender flushes every few seconds)"
                    : browserName is OaiqPixel.OaiqEventNames.PageViewed or OaiqPixel.OaiqEventNames.ContentsViewed
                        ? "browser leg only: fine for a view of a load no person saw (a prefetch, a bot, not a navigation: log 40), otherwise the Conversions API never received this id"
                        : "browser leg only: the Conversions API never received this id");
            }
            else if (fired.Count == 0)
            {
                problems.Add(now - lastSeen < s_pendingWindow
                    ? "browser leg pending"
                    : "server leg only: the pixel never fired this id (fine for server-only events)");
            }

            if (browserName is not null && serverName is not null && browserName != serverName)
            {
                problems.Add($"name mismatch: browser '{browserName}', server '{serverName}'");
            }

            if (fired.Select(c => NameKey(c.EventName, c.CustomEventName)).Distinct().Count() > 1)
            {
                problems.Add("the browser used this id for different events");
            }

            if (fired.Count > 1)
            {
                problems.Add($"duplicate: fired {fired.Count} times in the browser");
            }

            if (received.Count > 1)
            {
                problems.Add($"duplicate: received {received.Count} times by the API");
            }

            rows.Add(new SandboxEventRow(
                id.Length == 0 ? "(none)" : id,
                browserName,
                serverName,
                fired.Count,
                received.Count,
                received.Select(e => e.Oppref).FirstOrDefault(o => o is not null),
                fired.Select(c => c.Path).FirstOrDefault() ?? received.Select(e => e.SourceUrl).FirstOrDefault(),
                problems,
                lastSeen,
                pixel,
                received.Select(e => e.MatchKeys).FirstOrDefault()));
        }
    }

    private static string? NameKey(string? name, string? customName) =>
        name == "custom" && customName is not null ? $"custom:{customName}" : name;

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (_lock)
        {
            return [.. list];
        }
    }

    private void Append<T>(List<T> list, IEnumerable<T> items)
    {
        lock (_lock)
        {
            list.AddRange(items);
            if (list.Count > Capacity)
            {
                list.RemoveRange(0, list.Count - Capacity);
            }
        }
    }
}
