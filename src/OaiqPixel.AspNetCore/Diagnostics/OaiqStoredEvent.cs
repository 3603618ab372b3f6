namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>One event in a store's snapshot (<see cref="OaiqStoreSnapshot"/>): never its JSON, user data or key.</summary>
public sealed class OaiqStoredEvent
{
    /// <summary>Creates an entry.</summary>
    /// <param name="eventId">The event id (the Conversions API event's <c>id</c>).</param>
    /// <param name="eventType">The event name (its <c>type</c>, e.g. <c>order_created</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="eventId"/> or <paramref name="eventType"/> is <see langword="null"/>.</exception>
    public OaiqStoredEvent(string eventId, string eventType)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        ArgumentNullException.ThrowIfNull(eventType);
        EventId = eventId;
        EventType = eventType;
    }

    /// <summary>The event id.</summary>
    public string EventId { get; }

    /// <summary>The event name, e.g. <c>order_created</c>.</summary>
    public string EventType { get; }

    /// <summary>The Pixel ID it is sent for (the request's <c>pid</c>), or <see langword="null"/> when the store does not say.</summary>
    public string? PixelId { get; init; }

    /// <summary>
    /// The time that matters for its list: when a waiting event is due, when a dead letter was refused, when a delivered
    /// event was accepted; <see langword="null"/> when unknown.
    /// </summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>How often it has been taken to send.</summary>
    public int Attempts { get; init; }

    /// <summary>Whether a sender holds it right now (a waiting event being sent).</summary>
    public bool IsHeld { get; init; }

    /// <summary>The HTTP status of the last refusal or failure, or <see langword="null"/> (none, or no answer).</summary>
    public int? LastStatusCode { get; init; }

    /// <summary>The API's message for the last refusal or failure (never the key), or <see langword="null"/>.</summary>
    public string? LastError { get; init; }
}
