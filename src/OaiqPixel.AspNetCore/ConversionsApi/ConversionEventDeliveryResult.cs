using System.Globalization;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>What became of one record sent with <see cref="IConversionsApiDelivery"/>, with the API's answer.</summary>
public sealed class ConversionEventDeliveryResult
{
    internal ConversionEventDeliveryResult(ConversionEventRecord record, ConversionEventDeliveryOutcome outcome, int? statusCode, string? errorMessage, string? requestId, TimeSpan? retryAfter, TimeSpan? retryDelay)
    {
        Record = record;
        Outcome = outcome;
        StatusCode = statusCode;
        ErrorMessage = errorMessage;
        RequestId = requestId;
        RetryAfter = retryAfter;
        RetryDelay = retryDelay;
    }

    /// <summary>The record, as given.</summary>
    public ConversionEventRecord Record { get; }

    /// <summary>Delivered, dead-lettered, kept for a retry, or dropped unsent as too old (<see cref="ConversionEventDeliveryOutcome.Stale"/>).</summary>
    public ConversionEventDeliveryOutcome Outcome { get; }

    /// <summary>
    /// The HTTP status of the answer that refused it: 400/413/422 when dead-lettered, the failing status when kept (401,
    /// 429, 503, …); <see langword="null"/> when delivered or stale, or kept without an answer (a timeout, a refused connection, the
    /// server leg off).
    /// </summary>
    public int? StatusCode { get; }

    /// <summary>
    /// Why it was not delivered: the API's error message (<c>error.message</c>, at most 500 characters, never the key), or a
    /// description of the transport failure; <see langword="null"/> when delivered or when the answer had no message.
    /// </summary>
    public string? ErrorMessage { get; }

    /// <summary>The API's request id (<c>x-request-id</c>) of the deciding answer, if any; quote it to OpenAI support.</summary>
    public string? RequestId { get; }

    /// <summary>The <c>Retry-After</c> the API sent with a failure, if any (spec §9 #5): do not try before it.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// When kept for a retry: how long to wait before sending it again — the server leg's back-off for its pixel
    /// (<see cref="ConversionsApiOptions.BackoffDelay"/>, doubled with jitter for each failed delivery of that pixel in a row,
    /// up to <see cref="ConversionsApiOptions.MaxBackoffDelay"/>), or <see cref="RetryAfter"/> when the API asked for
    /// longer (at most <see cref="ConversionsApiOptions.MaxBackoffDelay"/>). The same rule as the built-in sender's.
    /// <see langword="null"/> when delivered, dead-lettered or stale.
    /// </summary>
    public TimeSpan? RetryDelay { get; }

    /// <summary>The record and the outcome, for logs; carries no personal data.</summary>
    /// <returns>E.g. <c>order_created order_42: DeadLettered (400)</c>.</returns>
    public override string ToString() => StatusCode is { } status
        ? string.Create(CultureInfo.InvariantCulture, $"{Record}: {Outcome} ({status})")
        : $"{Record}: {Outcome}";
}
