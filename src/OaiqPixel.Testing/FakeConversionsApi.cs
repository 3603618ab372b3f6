using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OaiqPixel.Testing.Server;

namespace OaiqPixel.Testing;

/// <summary>
/// A fake OpenAI Ads Conversions API (<c>POST /v1/events?pid=…</c>) served by a real Kestrel on
/// <c>127.0.0.1</c>. It authenticates, validates every batch strictly (whole-batch semantics), records accepted
/// events, and can inject faults (error statuses, hangs, connection resets, a stopped listener) per request.
/// All members are thread-safe.
/// </summary>
/// <example>
/// <code>
/// await using var api = await FakeConversionsApi.StartAsync();
/// api.EnqueueFault(Fault.Status(503));
/// // point the client at api.BaseAddress with api.ApiKey / api.PixelId, send, then:
/// var events = await api.WaitForEventsAsync(1, TimeSpan.FromSeconds(5));
/// </code>
/// </example>
public sealed class FakeConversionsApi : IAsyncDisposable
{
    private readonly RequestRecorder _recorder = new();
    private readonly FaultQueue _faults = new();
    private readonly RequestProcessor _processor;
    private readonly Responder _responder = new();
    private readonly LoopbackHost _host;
    private readonly EventStream _stream;
    private readonly TimeProvider _timeProvider;

    // Serializes start, stop, resume and dispose; recordings have their own lock (RequestRecorder's).
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private bool _disposed;

    private FakeConversionsApi(FakeConversionsApiOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ApiKey, nameof(options.ApiKey));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.PixelId, nameof(options.PixelId));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SuccessStatusCode, 200, nameof(options.SuccessStatusCode));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.SuccessStatusCode, 299, nameof(options.SuccessStatusCode));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options.Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort, nameof(options.Port));

        ArgumentException.ThrowIfNullOrWhiteSpace(options.AdsApiKey, nameof(options.AdsApiKey));
        ApiKey = options.ApiKey;
        AdsApiKey = options.AdsApiKey;
        PixelId = options.PixelId;
        _processor = new RequestProcessor(options);
        _stream = new EventStream(options, _recorder);
        var handler = new RequestHandler(options, _processor, _responder, _recorder, _faults, _stream);
        _host = new LoopbackHost(options.Port, handler.HandleAsync);
        ResponseDelay = options.ResponseDelay;
        _timeProvider = options.TimeProvider;
    }

    /// <summary>Root address of the server, for example <c>http://127.0.0.1:41234/</c>. Stable across stop/resume.</summary>
    public Uri BaseAddress => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_host.Port}/"));

    /// <summary>The full events URL including the configured pixel, for example <c>http://127.0.0.1:41234/v1/events?pid=px</c>.</summary>
    public Uri EventsUri => new(BaseAddress, "v1/events?pid=" + Uri.EscapeDataString(PixelId));

    /// <summary>The loopback port the server is (or was last) bound to.</summary>
    public int Port => _host.Port;

    /// <summary>The accepted Conversions API key.</summary>
    public string ApiKey { get; }

    /// <summary>The accepted Pixel ID (<c>pid</c>).</summary>
    public string PixelId { get; }

    /// <summary>The Ads API key the events stream accepts (<see cref="FakeConversionsApiOptions.AdsApiKey"/>).</summary>
    public string AdsApiKey { get; }

    /// <summary>Whether the events stream (<c>GET /v1/conversions/events</c>) answers, or says <c>422 feature_not_available</c>.</summary>
    public bool EventStreamAvailable
    {
        get => _stream.Available;
        set => _stream.Available = value;
    }

    /// <summary>
    /// The configuration that points an OaiqPixel app at this fake: its <c>PixelId</c>, <c>ConversionsApi:ApiKey</c>,
    /// <c>ConversionsApi:BaseAddress</c> and a short <c>ConversionsApi:FlushInterval</c> (100 ms), under
    /// <paramref name="section"/>. Add it last, e.g. in a <c>WebApplicationFactory</c>:
    /// <c>builder.ConfigureAppConfiguration(c =&gt; c.AddInMemoryCollection(api.ConfigurationFor()))</c>.
    /// </summary>
    /// <param name="section">The section the app binds its tracking options from; <c>Oaiq</c> by default.</param>
    /// <returns>Configuration keys and values.</returns>
    /// <exception cref="ArgumentException"><paramref name="section"/> is empty.</exception>
    public IReadOnlyDictionary<string, string?> ConfigurationFor(string section = "Oaiq")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        return new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [section + ":PixelId"] = PixelId,
            [section + ":ConversionsApi:ApiKey"] = ApiKey,
            [section + ":ConversionsApi:BaseAddress"] = BaseAddress.AbsoluteUri,
            [section + ":ConversionsApi:FlushInterval"] = "00:00:00.100",
            [section + ":Verification:AdsApiKey"] = AdsApiKey,
            [section + ":Verification:BaseAddress"] = BaseAddress.AbsoluteUri,
        };
    }

    /// <summary>
    /// Adds a <c>pixel_sdk</c> row to the events stream (received now, by the options' clock), standing in for the browser;
    /// its <c>server_to_server</c> rows are the Conversions API events the fake accepted.
    /// </summary>
    /// <param name="eventType">The <c>event_type</c>, e.g. <c>order_created</c>.</param>
    /// <param name="eventTime">The <c>event_timestamp_ms</c>; now by default.</param>
    /// <param name="eventId">An <c>event_id</c> for the row; none by default, as the stream is documented without one.</param>
    /// <param name="pixelId">The pixel; <see cref="PixelId"/> by default.</param>
    /// <exception cref="ArgumentException"><paramref name="eventType"/> is empty.</exception>
    public void AddPixelEvent(string eventType, DateTimeOffset? eventTime = null, string? eventId = null, string? pixelId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        _stream.AddPixelRow(pixelId ?? PixelId, eventType, eventId, eventTime ?? _timeProvider.GetUtcNow());
    }

    /// <summary>
    /// Events accepted so far (since the last <see cref="ClearRecordings"/>); in
    /// <see cref="FakeConversionsApiOptions.CountOnly"/> mode the only record of them.
    /// </summary>
    public int AcceptedEventCount => _recorder.AcceptedEventCount;

    /// <summary>Whether the listener is currently bound (see <see cref="StopListeningAsync"/>).</summary>
    public bool IsListening => _host.IsListening;

    /// <summary>
    /// Predicate that marks structurally valid events as invalid (the batch is refused with 400). The element passed
    /// is only valid during the call. <see langword="null"/> disables it.
    /// </summary>
    public Func<JsonElement, bool>? PoisonEvent
    {
        get => _processor.PoisonEvent;
        set => _processor.PoisonEvent = value;
    }

    /// <summary>Artificial latency added to every request (real time; honours client aborts).</summary>
    public TimeSpan ResponseDelay
    {
        get => _responder.ResponseDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _responder.ResponseDelay = value;
        }
    }

    /// <summary>Snapshot of every request received, in completion order, whatever its outcome.</summary>
    public IReadOnlyList<ReceivedRequest> Requests => _recorder.Requests;

    /// <summary>Snapshot of every accepted (and not <c>validate_only</c>) event, in arrival order, duplicates included.</summary>
    public IReadOnlyList<JsonElement> Events => _recorder.Events;

    /// <summary>Snapshot of the distinct <c>id</c> values of the accepted events.</summary>
    public IReadOnlySet<string> EventIds => _recorder.EventIds;

    /// <summary>Number of requests received (answered or aborted).</summary>
    public int TotalRequests => _recorder.TotalRequests;

    /// <summary>Number of requests whose connection was aborted instead of answered.</summary>
    public int AbortedRequests => _recorder.AbortedRequests;

    /// <summary>Snapshot of answered requests per status code (aborted requests are not counted).</summary>
    public IReadOnlyDictionary<int, int> RequestsByStatus => _recorder.RequestsByStatus;

    /// <summary>Number of faults still queued.</summary>
    public int PendingFaultCount => _faults.Count;

    /// <summary>Starts a fake on <c>http://127.0.0.1:&lt;port&gt;</c> (a free port unless <see cref="FakeConversionsApiOptions.Port"/> is set).</summary>
    /// <param name="options">Configuration; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start-up.</param>
    /// <returns>The running fake; dispose it to stop the server.</returns>
    public static async Task<FakeConversionsApi> StartAsync(FakeConversionsApiOptions? options = null, CancellationToken cancellationToken = default)
    {
        var api = new FakeConversionsApi(options ?? new FakeConversionsApiOptions());
        try
        {
            await api._host.StartAsync(retryBind: false, cancellationToken);
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }

        return api;
    }

    /// <summary>Number of answered requests with the given status code.</summary>
    /// <param name="statusCode">HTTP status code.</param>
    /// <returns>The count.</returns>
    public int CountRequests(int statusCode) => _recorder.CountRequests(statusCode);

    /// <summary>Queues <paramref name="fault"/> for the next <paramref name="count"/> requests (after any already queued).</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="count">How many consecutive requests it applies to.</param>
    public void EnqueueFault(Fault fault, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _faults.Enqueue(Enumerable.Repeat(fault, count));
    }

    /// <summary>Queues a script of faults, one per request, in order (use <see cref="Fault.None"/> to let one through).</summary>
    /// <param name="faults">The faults.</param>
    public void EnqueueFaults(params IEnumerable<Fault> faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var list = faults.ToList();
        if (list.Contains(null!))
        {
            throw new ArgumentNullException(nameof(faults), "A script of faults may not hold null; use Fault.None to let a request through.");
        }

        _faults.Enqueue(list);
    }

    /// <summary>Drops every queued fault.</summary>
    public void ClearFaults() => _faults.Clear();

    /// <summary>
    /// Answers every request for one pixel (its <c>pid</c>) with <paramref name="fault"/> until <see cref="RestorePixel"/>:
    /// one pixel's outage beside healthy ones. Requests for other pixels are untouched and take the queued faults as usual.
    /// </summary>
    /// <param name="pixelId">The pixel whose requests fail.</param>
    /// <param name="fault">The fault each of its requests gets, e.g. <c>Fault.Status(503)</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="pixelId"/> is empty.</exception>
    public void FailPixel(string pixelId, Fault fault)
    {
        ArgumentException.ThrowIfNullOrEmpty(pixelId);
        ArgumentNullException.ThrowIfNull(fault);
        _faults.SetPixelFault(pixelId, fault);
    }

    /// <summary>Ends a pixel's outage set by <see cref="FailPixel"/>: its next request is answered as usual.</summary>
    /// <param name="pixelId">The pixel.</param>
    /// <exception cref="ArgumentException"><paramref name="pixelId"/> is empty.</exception>
    public void RestorePixel(string pixelId)
    {
        ArgumentException.ThrowIfNullOrEmpty(pixelId);
        _faults.SetPixelFault(pixelId, null);
    }

    /// <summary>Forgets recorded requests, events, event IDs and counters (queued faults are kept).</summary>
    public void ClearRecordings() => _recorder.Clear();

    /// <summary>
    /// Completes as soon as at least <paramref name="count"/> events have been accepted (immediately if they already
    /// have), without polling.
    /// </summary>
    /// <param name="count">Minimum number of accepted events.</param>
    /// <param name="timeout">How long to wait (<see cref="Timeout.InfiniteTimeSpan"/> for no limit).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Snapshot of all accepted events (at least <paramref name="count"/>).</returns>
    /// <exception cref="TimeoutException">Fewer than <paramref name="count"/> events arrived in time.</exception>
    public async Task<IReadOnlyList<JsonElement>> WaitForEventsAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await _recorder.WaitForEventsAsync(count, timeout, cancellationToken);
        return Events;
    }

    /// <summary>
    /// Completes as soon as at least <paramref name="count"/> requests have been recorded (answered or aborted).
    /// A request is recorded just before its response is written, or when its connection is aborted.
    /// </summary>
    /// <param name="count">Minimum number of recorded requests.</param>
    /// <param name="timeout">How long to wait (<see cref="Timeout.InfiniteTimeSpan"/> for no limit).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Snapshot of all recorded requests (at least <paramref name="count"/>).</returns>
    /// <exception cref="TimeoutException">Fewer than <paramref name="count"/> requests were recorded in time.</exception>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForRequestsAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await _recorder.WaitForRequestsAsync(count, timeout, cancellationToken);
        return Requests;
    }

    /// <summary>Creates an <see cref="HttpClient"/> with <see cref="BaseAddress"/> and the bearer key preset.</summary>
    /// <returns>A new client; the caller disposes it.</returns>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    /// <summary>
    /// Closes the listener: in-flight requests are aborted and new connections to <see cref="Port"/> are refused
    /// until <see cref="ResumeListeningAsync"/>. Recordings and queued faults are kept. No-op when already stopped.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for other lifecycle operations.</param>
    /// <returns>A task that completes when the port is closed.</returns>
    public Task StopListeningAsync(CancellationToken cancellationToken = default) =>
        WhileNotDisposedAsync(_host.StopAsync, cancellationToken);

    /// <summary>
    /// Binds the listener again on the same port (retrying for a few seconds if the port is momentarily busy).
    /// No-op when already listening.
    /// </summary>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task that completes when the server accepts connections again.</returns>
    public Task ResumeListeningAsync(CancellationToken cancellationToken = default) =>
        WhileNotDisposedAsync(() => _host.IsListening ? Task.CompletedTask : _host.StartAsync(retryBind: true, cancellationToken), cancellationToken);

    /// <summary>Stops the server (aborting hung requests) and fails pending waits with <see cref="ObjectDisposedException"/>.</summary>
    /// <returns>A task that completes when the server is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _recorder.RefuseNewWaits();
            await _host.StopAsync();
        }
        finally
        {
            _lifecycle.Release();
        }

        _recorder.FailPendingWaits();
    }

    /// <summary>Runs a lifecycle step under the lifecycle semaphore; throws once the fake is disposed.</summary>
    private async Task WhileNotDisposedAsync(Func<Task> step, CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await step();
        }
        finally
        {
            _lifecycle.Release();
        }
    }
}
