namespace OaiqPixel.Testing;

/// <summary>One HTTP request received by <see cref="FakeConversionsApi"/>, whatever its outcome.</summary>
public sealed class ReceivedRequest
{
    /// <summary>The <c>x-request-id</c> the fake put on its response (also useful to find the request in logs).</summary>
    public required string RequestId { get; init; }

    /// <summary>When the request arrived, by the options' <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>The request path, for example <c>/v1/events</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The raw query string including the leading <c>?</c>, or empty.</summary>
    public required string QueryString { get; init; }

    /// <summary>The <c>pid</c> query parameter, if present.</summary>
    public string? PixelId { get; init; }

    /// <summary>All request headers (case-insensitive names; repeated values joined with <c>", "</c>).</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The raw request body decoded as UTF-8.</summary>
    public required string Body { get; init; }

    /// <summary>
    /// The status code sent, or <see langword="null"/> when no complete response was delivered
    /// (connection reset by a fault, or the client went away first).
    /// </summary>
    public int? StatusCode { get; init; }

    /// <summary><see langword="true"/> when the connection was aborted instead of being answered.</summary>
    public bool Aborted { get; init; }

    /// <summary>The fault applied to this request, or <see langword="null"/> when none was queued.</summary>
    public Fault? Fault { get; init; }

    /// <summary>Number of elements in the body's <c>events</c> array (0 when it could not be read), valid or not.</summary>
    public int EventCount { get; init; }

    /// <summary>The body's <c>validate_only</c> flag (<see langword="false"/> when absent or unreadable).</summary>
    public bool ValidateOnly { get; init; }

    /// <summary>The <c>error.message</c> of a refused request, or <see langword="null"/>.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The response body written (or that would have been written, for an aborted response).</summary>
    public string? ResponseBody { get; init; }

    /// <summary>The <c>Authorization</c> header, if present.</summary>
    public string? Authorization => Header("Authorization");

    /// <summary>The <c>Content-Type</c> header, if present.</summary>
    public string? ContentType => Header("Content-Type");

    /// <summary>The <c>User-Agent</c> header, if present.</summary>
    public string? UserAgent => Header("User-Agent");

    /// <summary>Returns a request header by (case-insensitive) name, or <see langword="null"/>.</summary>
    /// <param name="name">Header name.</param>
    /// <returns>The header value, or <see langword="null"/>.</returns>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Method} {Path}{QueryString} -> {(StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "aborted")}";
}
