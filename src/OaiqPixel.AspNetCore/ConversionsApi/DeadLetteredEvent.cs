namespace OaiqPixel.AspNetCore;

/// <summary>
/// An event the Conversions API refused on its own (a 400 or 422 for a request carrying only this event), handed to
/// <see cref="ConversionsApiOptions.OnDeadLetter"/>. It is not retried.
/// </summary>
public sealed class DeadLetteredEvent
{
    internal DeadLetteredEvent(ConversionEvent conversionEvent, int statusCode, string? errorMessage, string? requestId, DateTimeOffset rejectedAt)
    {
        Event = conversionEvent;
        StatusCode = statusCode;
        ErrorMessage = errorMessage;
        RequestId = requestId;
        RejectedAt = rejectedAt;
    }

    /// <summary>
    /// The refused event: equal in every field to the one queued (and writing the same JSON), rebuilt from the queue's
    /// compact copy, so not the same instance.
    /// </summary>
    public ConversionEvent Event { get; }

    /// <summary>The HTTP status the API answered (400 or 422).</summary>
    public int StatusCode { get; }

    /// <summary>The API's error message (<c>error.message</c>), or <see langword="null"/> when the body had none.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The API's request id from the response headers, if any; quote it to OpenAI support.</summary>
    public string? RequestId { get; }

    /// <summary>When the API refused the event.</summary>
    public DateTimeOffset RejectedAt { get; }

    /// <summary>The event and the status, for logs; carries no personal data.</summary>
    /// <returns>E.g. <c>order_created order_42 rejected with 400</c>.</returns>
    public override string ToString() => $"{Event} rejected with {StatusCode}";
}
