namespace OaiqPixel.Testing;

/// <summary>The kinds of failure a <see cref="Fault"/> can inject into one request.</summary>
public enum FaultKind
{
    /// <summary>No fault: the request is handled normally.</summary>
    None = 0,

    /// <summary>Answer with a fixed HTTP status (and optional <c>Retry-After</c>) without validating or recording events.</summary>
    Status,

    /// <summary>Hold the response for a while (past the client's timeout), honouring client aborts.</summary>
    Hang,

    /// <summary>Abort the TCP connection instead of completing the response.</summary>
    ResetConnection,
}
