using System.Globalization;

namespace OaiqPixel.Testing;

/// <summary>
/// A failure to inject into exactly one request received by <see cref="FakeConversionsApi"/>.
/// Queue faults with <see cref="FakeConversionsApi.EnqueueFault(Fault, int)"/>; each incoming request
/// (whatever its path) takes the next queued fault, and requests that find the queue empty are handled normally.
/// </summary>
public sealed class Fault
{
    private Fault(FaultKind kind)
    {
        Kind = kind;
    }

    /// <summary>A placeholder that lets one request through untouched (useful inside a script of faults).</summary>
    public static Fault None { get; } = new(FaultKind.None);

    /// <summary>What this fault does.</summary>
    public FaultKind Kind { get; }

    /// <summary>For <see cref="FaultKind.Status"/>: the HTTP status code returned.</summary>
    public int StatusCode { get; private init; }

    /// <summary>For <see cref="FaultKind.Status"/>: the <c>Retry-After</c> value sent as delta-seconds (rounded up), if any.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>For <see cref="FaultKind.Status"/>: the <c>Retry-After</c> value sent as an HTTP-date, if any.</summary>
    public DateTimeOffset? RetryAfterDate { get; private init; }

    /// <summary>For <see cref="FaultKind.Status"/>: the response body; <see langword="null"/> means an OpenAI-style error object.</summary>
    public string? Body { get; private init; }

    /// <summary>For <see cref="FaultKind.Hang"/>: how long the response is held back.</summary>
    public TimeSpan Duration { get; private init; }

    /// <summary>
    /// For <see cref="FaultKind.ResetConnection"/>: when <see langword="true"/> the request is fully validated and its
    /// events recorded before the connection is aborted (the "server accepted it but the response was lost" case).
    /// </summary>
    public bool ProcessRequest { get; private init; }

    /// <summary>
    /// For <see cref="FaultKind.ResetConnection"/>: when <see langword="true"/> the status line, headers and part of the
    /// body are sent before the abort (reset in the middle of the response body); otherwise the connection is
    /// aborted before any response byte is written.
    /// </summary>
    public bool AfterHeaders { get; private init; }

    /// <summary>
    /// Answers the request with <paramref name="statusCode"/> without validating or recording it.
    /// </summary>
    /// <param name="statusCode">An HTTP status code from 200 to 599 (for example 408, 429, 500, 503).</param>
    /// <param name="retryAfter">If set, a <c>Retry-After</c> header in delta-seconds (rounded up to whole seconds).</param>
    /// <param name="body">Response body; by default an OpenAI-style <c>{"error":{...}}</c> object.</param>
    /// <returns>The fault.</returns>
    public static Fault Status(int statusCode, TimeSpan? retryAfter = null, string? body = null)
    {
        ValidateStatus(statusCode);
        if (retryAfter is { } value)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, nameof(retryAfter));
        }

        return new Fault(FaultKind.Status) { StatusCode = statusCode, RetryAfter = retryAfter, Body = body };
    }

    /// <summary>
    /// Answers the request with <paramref name="statusCode"/> and a <c>Retry-After</c> header in HTTP-date form.
    /// </summary>
    /// <param name="statusCode">An HTTP status code from 200 to 599.</param>
    /// <param name="retryAfterDate">The instant sent as the <c>Retry-After</c> HTTP-date.</param>
    /// <param name="body">Response body; by default an OpenAI-style <c>{"error":{...}}</c> object.</param>
    /// <returns>The fault.</returns>
    public static Fault Status(int statusCode, DateTimeOffset retryAfterDate, string? body = null)
    {
        ValidateStatus(statusCode);
        return new Fault(FaultKind.Status) { StatusCode = statusCode, RetryAfterDate = retryAfterDate, Body = body };
    }

    /// <summary>
    /// Holds the response back for <paramref name="duration"/> (choose it longer than the client's timeout).
    /// If the client aborts, or the fake stops listening or is disposed, the wait ends at once, the connection is
    /// aborted and nothing is recorded except an aborted <see cref="ReceivedRequest"/>. If the client is still
    /// waiting when <paramref name="duration"/> has elapsed, the request is then handled normally.
    /// </summary>
    /// <param name="duration">How long to hold the response (real time, not the options' <see cref="TimeProvider"/>).</param>
    /// <returns>The fault.</returns>
    public static Fault Hang(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return new Fault(FaultKind.Hang) { Duration = duration };
    }

    /// <summary>
    /// Aborts the connection (<c>HttpContext.Abort()</c>) instead of completing the response, so the client sees
    /// an <see cref="HttpRequestException"/>.
    /// </summary>
    /// <param name="processRequest">Validate and record the events before aborting (response lost after success).</param>
    /// <param name="afterHeaders">Send the status line, headers and a truncated body before aborting.</param>
    /// <returns>The fault.</returns>
    public static Fault ResetConnection(bool processRequest = false, bool afterHeaders = false) =>
        new(FaultKind.ResetConnection) { ProcessRequest = processRequest, AfterHeaders = afterHeaders };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        FaultKind.Status => string.Create(CultureInfo.InvariantCulture, $"Status({StatusCode}, retryAfter: {RetryAfter?.ToString() ?? RetryAfterDate?.ToString("R", CultureInfo.InvariantCulture) ?? "none"})"),
        FaultKind.Hang => string.Create(CultureInfo.InvariantCulture, $"Hang({Duration})"),
        FaultKind.ResetConnection => string.Create(CultureInfo.InvariantCulture, $"ResetConnection(processRequest: {ProcessRequest}, afterHeaders: {AfterHeaders})"),
        _ => "None",
    };

    private static void ValidateStatus(int statusCode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 200, nameof(statusCode));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599, nameof(statusCode));
    }
}
