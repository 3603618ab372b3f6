using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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
    private const string JsonContentType = "application/json";

    private static readonly JsonDocumentOptions _parseOptions = new() { AllowDuplicateProperties = false, MaxDepth = 64 };
    private static readonly JsonWriterOptions _writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly TimeSpan _bindRetryWindow = TimeSpan.FromSeconds(5);

    private readonly string _apiKey;
    private readonly string _pixelId;
    private readonly TimeProvider _timeProvider;
    private readonly int _successStatusCode;
    private readonly Lock _gate = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly List<JsonElement> _events = [];
    private readonly HashSet<string> _eventIds = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _statusCounts = [];
    private readonly Queue<Fault> _faults = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> _eventWaiters = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _requestWaiters = [];
    private readonly SemaphoreSlim _lifecycle = new(1, 1);

    private WebApplication? _app;
    private CancellationTokenSource? _listeningCts;
    private int _port;
    private bool _disposed;
    private volatile Func<JsonElement, bool>? _poisonEvent;
    private long _responseDelayTicks;
    private readonly bool _countOnly;
    private readonly bool _sendRequestIds;
    private int _acceptedEventCount;

    private FakeConversionsApi(FakeConversionsApiOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ApiKey, nameof(options.ApiKey));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.PixelId, nameof(options.PixelId));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SuccessStatusCode, 200, nameof(options.SuccessStatusCode));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.SuccessStatusCode, 299, nameof(options.SuccessStatusCode));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options.Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort, nameof(options.Port));

        _apiKey = options.ApiKey;
        _pixelId = options.PixelId;
        _timeProvider = options.TimeProvider;
        _successStatusCode = options.SuccessStatusCode;
        _port = options.Port;
        _poisonEvent = options.PoisonEvent;
        _countOnly = options.CountOnly;
        _sendRequestIds = options.SendRequestIds;
        ResponseDelay = options.ResponseDelay;
    }

    /// <summary>Root address of the server, for example <c>http://127.0.0.1:41234/</c>. Stable across stop/resume.</summary>
    public Uri BaseAddress => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_port}/"));

    /// <summary>The full events URL including the configured pixel, for example <c>http://127.0.0.1:41234/v1/events?pid=px</c>.</summary>
    public Uri EventsUri => new(BaseAddress, "v1/events?pid=" + Uri.EscapeDataString(_pixelId));

    /// <summary>The loopback port the server is (or was last) bound to.</summary>
    public int Port => _port;

    /// <summary>The accepted Conversions API key.</summary>
    public string ApiKey => _apiKey;

    /// <summary>The accepted Pixel ID (<c>pid</c>).</summary>
    public string PixelId => _pixelId;

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
            [section + ":PixelId"] = _pixelId,
            [section + ":ConversionsApi:ApiKey"] = _apiKey,
            [section + ":ConversionsApi:BaseAddress"] = BaseAddress.AbsoluteUri,
            [section + ":ConversionsApi:FlushInterval"] = "00:00:00.100",
        };
    }

    /// <summary>
    /// Events accepted so far (since the last <see cref="ClearRecordings"/>); in
    /// <see cref="FakeConversionsApiOptions.CountOnly"/> mode the only record of them.
    /// </summary>
    public int AcceptedEventCount
    {
        get
        {
            lock (_gate)
            {
                return _acceptedEventCount;
            }
        }
    }

    /// <summary>Whether the listener is currently bound (see <see cref="StopListeningAsync"/>).</summary>
    public bool IsListening
    {
        get
        {
            lock (_gate)
            {
                return _app is not null;
            }
        }
    }

    /// <summary>
    /// Predicate that marks structurally valid events as invalid (the batch is refused with 400). The element passed
    /// is only valid during the call. <see langword="null"/> disables it.
    /// </summary>
    public Func<JsonElement, bool>? PoisonEvent
    {
        get => _poisonEvent;
        set => _poisonEvent = value;
    }

    /// <summary>Artificial latency added to every request (real time; honours client aborts).</summary>
    public TimeSpan ResponseDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _responseDelayTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _responseDelayTicks, value.Ticks);
        }
    }

    /// <summary>Snapshot of every request received, in completion order, whatever its outcome.</summary>
    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Snapshot of every accepted (and not <c>validate_only</c>) event, in arrival order, duplicates included.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Snapshot of the distinct <c>id</c> values of the accepted events.</summary>
    public IReadOnlySet<string> EventIds
    {
        get
        {
            lock (_gate)
            {
                return new HashSet<string>(_eventIds, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Number of requests received (answered or aborted).</summary>
    public int TotalRequests
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>Number of requests whose connection was aborted instead of answered.</summary>
    public int AbortedRequests
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count(r => r.Aborted);
            }
        }
    }

    /// <summary>Snapshot of answered requests per status code (aborted requests are not counted).</summary>
    public IReadOnlyDictionary<int, int> RequestsByStatus
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<int, int>(_statusCounts);
            }
        }
    }

    /// <summary>Number of faults still queued.</summary>
    public int PendingFaultCount
    {
        get
        {
            lock (_gate)
            {
                return _faults.Count;
            }
        }
    }

    /// <summary>Starts a fake on <c>http://127.0.0.1:&lt;port&gt;</c> (a free port unless <see cref="FakeConversionsApiOptions.Port"/> is set).</summary>
    /// <param name="options">Configuration; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start-up.</param>
    /// <returns>The running fake; dispose it to stop the server.</returns>
    public static async Task<FakeConversionsApi> StartAsync(FakeConversionsApiOptions? options = null, CancellationToken cancellationToken = default)
    {
        var api = new FakeConversionsApi(options ?? new FakeConversionsApiOptions());
        try
        {
            await api.ListenAsync(retryBind: false, cancellationToken);
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
    public int CountRequests(int statusCode)
    {
        lock (_gate)
        {
            return _statusCounts.GetValueOrDefault(statusCode);
        }
    }

    /// <summary>Queues <paramref name="fault"/> for the next <paramref name="count"/> requests (after any already queued).</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="count">How many consecutive requests it applies to.</param>
    public void EnqueueFault(Fault fault, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _faults.Enqueue(fault);
            }
        }
    }

    /// <summary>Queues a script of faults, one per request, in order (use <see cref="Fault.None"/> to let one through).</summary>
    /// <param name="faults">The faults.</param>
    public void EnqueueFaults(params IEnumerable<Fault> faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var list = faults.ToList();
        foreach (var fault in list)
        {
            ArgumentNullException.ThrowIfNull(fault, nameof(faults));
        }

        lock (_gate)
        {
            foreach (var fault in list)
            {
                _faults.Enqueue(fault);
            }
        }
    }

    /// <summary>Drops every queued fault.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Forgets recorded requests, events, event IDs and counters (queued faults are kept).</summary>
    public void ClearRecordings()
    {
        lock (_gate)
        {
            _requests.Clear();
            _events.Clear();
            _eventIds.Clear();
            _statusCounts.Clear();
            _acceptedEventCount = 0;
        }
    }

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
        await WaitForCountAsync(_eventWaiters, () => _acceptedEventCount, count, timeout, "accepted events", cancellationToken);
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
        await WaitForCountAsync(_requestWaiters, () => _requests.Count, count, timeout, "requests", cancellationToken);
        return Requests;
    }

    /// <summary>Creates an <see cref="HttpClient"/> with <see cref="BaseAddress"/> and the bearer key preset.</summary>
    /// <returns>A new client; the caller disposes it.</returns>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        return client;
    }

    /// <summary>
    /// Closes the listener: in-flight requests are aborted and new connections to <see cref="Port"/> are refused
    /// until <see cref="ResumeListeningAsync"/>. Recordings and queued faults are kept. No-op when already stopped.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for other lifecycle operations.</param>
    /// <returns>A task that completes when the port is closed.</returns>
    public async Task StopListeningAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await StopCoreAsync();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Binds the listener again on the same port (retrying for a few seconds if the port is momentarily busy).
    /// No-op when already listening.
    /// </summary>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task that completes when the server accepts connections again.</returns>
    public async Task ResumeListeningAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_app is null)
            {
                await ListenAsync(retryBind: true, cancellationToken);
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

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
            await StopCoreAsync();
        }
        finally
        {
            _lifecycle.Release();
        }

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

    private async Task ListenAsync(bool retryBind, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_bindRetryWindow.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var cts = new CancellationTokenSource();
            var app = BuildApp(_port, cts.Token);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException) when (retryBind && Stopwatch.GetTimestamp() < deadline)
            {
                await app.DisposeAsync();
                cts.Dispose();
                await Task.Delay(50, cancellationToken);
                continue;
            }
            catch
            {
                await app.DisposeAsync();
                cts.Dispose();
                throw;
            }

            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            lock (_gate)
            {
                _port = new Uri(address).Port;
                _app = app;
                _listeningCts = cts;
            }

            return;
        }
    }

    private async Task StopCoreAsync()
    {
        WebApplication? app;
        CancellationTokenSource? cts;
        lock (_gate)
        {
            app = _app;
            cts = _listeningCts;
            _app = null;
            _listeningCts = null;
        }

        if (app is null || cts is null)
        {
            return;
        }

        // End hangs and delays first so that Kestrel's graceful shutdown does not wait for them.
        await cts.CancelAsync();
        try
        {
            await app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await app.DisposeAsync();
            cts.Dispose();
        }
    }

    private WebApplication BuildApp(int port, CancellationToken listeningToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // No file watchers: many fakes per test run must not exhaust inotify instances.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port);
        });

        var app = builder.Build();
        app.Run(context => HandleAsync(context, listeningToken));
        return app;
    }

    private async Task HandleAsync(HttpContext context, CancellationToken listeningToken)
    {
        var request = context.Request;
        var requestId = "req_" + Guid.NewGuid().ToString("N");
        if (_sendRequestIds)
        {
            context.Response.Headers["x-request-id"] = requestId;
        }
        var receivedAt = _timeProvider.GetUtcNow();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = string.Join(", ", header.Value.ToArray());
        }

        var pid = request.Query["pid"];
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, listeningToken);
        var token = linked.Token;

        var bodyBytes = Array.Empty<byte>();
        var (eventCount, validateOnly) = (0, false);
        Fault? fault = null;

        ReceivedRequest Build(int? statusCode, bool aborted, ProcessingOutcome? outcome, string? responseBody) => new()
        {
            RequestId = requestId,
            ReceivedAt = receivedAt,
            Method = request.Method,
            Path = request.Path.Value ?? string.Empty,
            QueryString = request.QueryString.Value ?? string.Empty,
            PixelId = pid.Count == 0 ? null : pid.ToString(),
            Headers = headers,
            Body = _countOnly ? string.Empty : Encoding.UTF8.GetString(bodyBytes),
            StatusCode = statusCode,
            Aborted = aborted,
            Fault = fault,
            EventCount = eventCount,
            ValidateOnly = validateOnly,
            ErrorMessage = outcome?.ErrorMessage,
            ResponseBody = responseBody,
        };

        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, token);
            bodyBytes = buffer.ToArray();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            Commit(Build(null, aborted: true, null, null), []);
            context.Abort();
            return;
        }

        (eventCount, validateOnly) = _countOnly ? CountEvents(bodyBytes) : Inspect(bodyBytes);
        fault = DequeueFault();

        switch (fault?.Kind)
        {
            case FaultKind.Status:
                {
                    var responseBody = fault.Body ?? DefaultFaultBody(fault.StatusCode);
                    if (fault.RetryAfter is { } retryAfter)
                    {
                        context.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    }
                    else if (fault.RetryAfterDate is { } retryAfterDate)
                    {
                        context.Response.Headers.RetryAfter = retryAfterDate.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);
                    }

                    Commit(Build(fault.StatusCode, aborted: false, null, responseBody), []);
                    await WriteAsync(context, fault.StatusCode, responseBody);
                    return;
                }

            case FaultKind.ResetConnection:
                {
                    var outcome = fault.ProcessRequest ? Process(request, bodyBytes) : null;
                    Commit(Build(null, aborted: true, outcome, outcome?.ResponseBody), outcome?.AcceptedEvents ?? []);
                    if (fault.AfterHeaders)
                    {
                        var partial = Encoding.UTF8.GetBytes(outcome?.ResponseBody ?? "{}");
                        context.Response.StatusCode = outcome?.StatusCode ?? _successStatusCode;
                        context.Response.ContentType = JsonContentType;
                        context.Response.ContentLength = partial.Length + 64; // promise more than is ever sent
                        try
                        {
                            await context.Response.Body.WriteAsync(partial, token);
                            await context.Response.Body.FlushAsync(token);
                        }
                        catch (Exception ex) when (ex is OperationCanceledException or IOException)
                        {
                            // The client is gone already; aborting below is all that is left to do.
                        }
                    }

                    context.Abort();
                    return;
                }

            case FaultKind.Hang when !await DelayAsync(fault.Duration, token):
                Commit(Build(null, aborted: true, null, null), []);
                context.Abort();
                return;
        }

        if (!await DelayAsync(ResponseDelay, token))
        {
            Commit(Build(null, aborted: true, null, null), []);
            context.Abort();
            return;
        }

        if (_countOnly)
        {
            var counted = ProcessCountOnly(request, eventCount, validateOnly);
            Commit(Build(counted.StatusCode, aborted: false, counted, counted.ResponseBody), [], counted.StatusCode == _successStatusCode && !validateOnly ? eventCount : 0);
            await WriteAsync(context, counted.StatusCode, counted.ResponseBody);
            return;
        }

        var result = Process(request, bodyBytes);
        Commit(Build(result.StatusCode, aborted: false, result, result.ResponseBody), result.AcceptedEvents);
        await WriteAsync(context, result.StatusCode, result.ResponseBody);
    }

    /// <summary><see cref="FakeConversionsApiOptions.CountOnly"/>: the request-level checks, no per-event validation.</summary>
    private ProcessingOutcome ProcessCountOnly(HttpRequest request, int eventCount, bool validateOnly)
    {
        if (!HttpMethods.IsPost(request.Method) || !string.Equals(request.Path.Value, ConversionsApiSchema.EventsPath, StringComparison.Ordinal))
        {
            return Refuse(StatusCodes.Status404NotFound, $"Unknown request URL: {request.Method} {request.Path}");
        }

        if (!IsAuthorized(request.Headers.Authorization.ToString()))
        {
            return Refuse(StatusCodes.Status401Unauthorized, ConversionsApiSchema.InsufficientPermissionsMessage);
        }

        var pid = request.Query["pid"];
        if (pid.Count != 1 || !string.Equals(pid[0], _pixelId, StringComparison.Ordinal))
        {
            return Refuse(StatusCodes.Status400BadRequest, $"pid: unknown pixel ID \"{pid}\"");
        }

        return eventCount is 0 or > ConversionsApiSchema.MaxEventsPerRequest
            ? Refuse(StatusCodes.Status400BadRequest, "events: expected 1-1000 events")
            : new ProcessingOutcome(_successStatusCode, "{}", null, eventCount, validateOnly, []);
    }

    /// <summary>Counts the elements of the top-level <c>events</c> array with a forward-only reader (no document).</summary>
    private static (int EventCount, bool ValidateOnly) CountEvents(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (0, false);
            }

            var (count, validateOnly) = (0, false);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isEvents = reader.ValueTextEquals("events"u8);
                var isValidateOnly = reader.ValueTextEquals("validate_only"u8);
                reader.Read();
                if (isValidateOnly)
                {
                    validateOnly = reader.TokenType == JsonTokenType.True;
                }
                else if (isEvents && reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        count++;
                        reader.Skip();
                    }

                    continue;
                }

                reader.Skip();
            }

            return (count, validateOnly);
        }
        catch (JsonException)
        {
            return (0, false);
        }
    }

    private ProcessingOutcome Process(HttpRequest request, byte[] body)
    {
        if (!string.Equals(request.Path.Value, ConversionsApiSchema.EventsPath, StringComparison.Ordinal))
        {
            return Refuse(StatusCodes.Status404NotFound, $"Unknown request URL: {request.Method} {request.Path}");
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            return Refuse(StatusCodes.Status405MethodNotAllowed, $"Method {request.Method} is not allowed on {ConversionsApiSchema.EventsPath}; use POST");
        }

        if (!IsAuthorized(request.Headers.Authorization.ToString()))
        {
            return Refuse(StatusCodes.Status401Unauthorized, ConversionsApiSchema.InsufficientPermissionsMessage);
        }

        var pid = request.Query["pid"];
        if (pid.Count == 0 || string.IsNullOrEmpty(pid[0]))
        {
            return Refuse(StatusCodes.Status400BadRequest, "Missing required query parameter: pid");
        }

        if (pid.Count > 1 || !string.Equals(pid[0], _pixelId, StringComparison.Ordinal))
        {
            return Refuse(StatusCodes.Status400BadRequest, $"pid: unknown pixel ID \"{pid}\"");
        }

        var contentEncoding = request.Headers.ContentEncoding.ToString();
        if (contentEncoding.Length > 0 && !string.Equals(contentEncoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType, $"Unsupported Content-Encoding: {contentEncoding}");
        }

        if (!IsJsonContentType(request.ContentType))
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType, $"Content-Type must be application/json (got \"{request.ContentType}\")");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, _parseOptions);
        }
        catch (JsonException ex)
        {
            return Refuse(StatusCodes.Status400BadRequest, "Invalid JSON body: " + ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            var (eventCount, validateOnly) = Inspect(root);
            string? error;
            try
            {
                error = ConversionsRequestValidator.Validate(root, _timeProvider.GetUtcNow(), PoisonEvent);
            }
#pragma warning disable CA1031 // A throwing test predicate becomes a 500 the test can see, not a dropped connection.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var message = "PoisonEvent predicate threw: " + ex.Message;
                return new ProcessingOutcome(StatusCodes.Status500InternalServerError, ErrorJson(message, "server_error"), message, eventCount, validateOnly, []);
            }

            if (error is not null)
            {
                return new ProcessingOutcome(StatusCodes.Status400BadRequest, ErrorJson(error, ConversionsApiSchema.InvalidRequestErrorType), error, eventCount, validateOnly, []);
            }

            JsonElement[] accepted = validateOnly ? [] : [.. root.GetProperty("events").EnumerateArray().Select(e => e.Clone())];
            return new ProcessingOutcome(_successStatusCode, "{}", null, eventCount, validateOnly, accepted);
        }
    }

    private bool IsAuthorized(string authorization)
    {
        const string scheme = "Bearer ";
        return authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(authorization[scheme.Length..], _apiKey, StringComparison.Ordinal);
    }

    private static bool IsJsonContentType(string? contentType)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals(JsonContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var charset = mediaType.Charset;
        return !charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }

    private static ProcessingOutcome Refuse(int statusCode, string message) =>
        new(statusCode, ErrorJson(message, ConversionsApiSchema.InvalidRequestErrorType), message, 0, false, []);

    private static (int EventCount, bool ValidateOnly) Inspect(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, _parseOptions);
            return Inspect(document.RootElement);
        }
        catch (JsonException)
        {
            return (0, false);
        }
    }

    private static (int EventCount, bool ValidateOnly) Inspect(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (0, false);
        }

        var count = root.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array ? events.GetArrayLength() : 0;
        var validateOnly = root.TryGetProperty("validate_only", out var flag) && flag.ValueKind == JsonValueKind.True;
        return (count, validateOnly);
    }

    private Fault? DequeueFault()
    {
        lock (_gate)
        {
            return _faults.TryDequeue(out var fault) && fault.Kind != FaultKind.None ? fault : null;
        }
    }

    private void Commit(ReceivedRequest request, IReadOnlyList<JsonElement> acceptedEvents, int countedEvents = 0)
    {
        lock (_gate)
        {
            _requests.Add(request);
            _acceptedEventCount += acceptedEvents.Count + countedEvents;
            if (request.StatusCode is { } status)
            {
                _statusCounts[status] = _statusCounts.GetValueOrDefault(status) + 1;
            }

            foreach (var item in acceptedEvents)
            {
                _events.Add(item);
                if (item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    _eventIds.Add(id.GetString()!);
                }
            }

            Signal(_eventWaiters, _acceptedEventCount);
            Signal(_requestWaiters, _requests.Count);
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
            ObjectDisposedException.ThrowIf(_disposed, this);
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
        catch (TimeoutException)
        {
            int seen;
            lock (_gate)
            {
                waiters.Remove(entry);
                seen = current();
            }

            throw new TimeoutException(string.Create(
                CultureInfo.InvariantCulture,
                $"Expected at least {count} {what} within {timeout.TotalMilliseconds:0} ms, but only {seen} arrived."));
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                waiters.Remove(entry);
            }

            throw;
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken token)
    {
        if (delay <= TimeSpan.Zero)
        {
            return !token.IsCancellationRequested;
        }

        try
        {
            await Task.Delay(delay, token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task WriteAsync(HttpContext context, int statusCode, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = bytes.Length;
        try
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away after the request was recorded; nothing else to do.
        }
    }

    private static string DefaultFaultBody(int statusCode)
    {
        if (statusCode is >= 200 and < 300)
        {
            return "{}";
        }

        var type = statusCode switch
        {
            429 => "rate_limit_exceeded",
            >= 500 => "server_error",
            _ => ConversionsApiSchema.InvalidRequestErrorType,
        };
        return ErrorJson(string.Create(CultureInfo.InvariantCulture, $"Simulated {statusCode} from FakeConversionsApi"), type);
    }

    private static string ErrorJson(string message, string type)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, _writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", message);
            writer.WriteString("type", type);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
