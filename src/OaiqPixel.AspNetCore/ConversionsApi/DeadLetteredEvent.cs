
namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// An event the Conversions API refused on its own (a 400, 413 or 422 for a request carrying only this event), handed to
/// <see cref="ConversionsApiOptions.OnDeadLetter"/>. It is not retried; fix the cause and resend
/// <see cref="Record"/> (its JSON is exactly what was sent) if it still matters.
/// </summary>
public sealed class DeadLetteredEvent
{
    internal DeadLetteredEvent(ConversionEventRecord record, int statusCode, string? errorMessage, string? requestId, DateTimeOffset rejectedAt)
    {
        Record = record;
        StatusCode = statusCode;
        ErrorMessage = errorMessage;
        RequestId = requestId;
        RejectedAt = rejectedAt;
    }

    /// <summary>The refused event's record: its id, type, time, pixel and JSON as sent.</summary>
    public ConversionEventRecord Record { get; }

    /// <summary>The HTTP status the API answered (400, 413 or 422).</summary>
    public int StatusCode { get; }

    /// <summary>The API's error message (<c>error.message</c>), or <see langword="null"/> when the body had none.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The API's request id from the response headers (<c>x-request-id</c>), if any; quote it to OpenAI support.</summary>
    public string? RequestId { get; }

    /// <summary>When the API refused the event.</summary>
    public DateTimeOffset RejectedAt { get; }

    /// <summary>The event and the status, for logs; carries no personal data.</summary>
    /// <returns>E.g. <c>order_created order_42 rejected with 400</c>.</returns>
    public override string ToString() => $"{Record} rejected with {StatusCode}";
}
