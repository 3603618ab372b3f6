namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>Values of the <c>reason</c> tag of the <c>oaiq.events.dropped</c> counter.</summary>
internal static class DropReason
{
    public const string QueueFull = "queue_full";
    public const string Stale = "stale";
    public const string Invalid = "invalid";
    public const string DeadLetter = "dead_letter";
    public const string Consent = "consent";
    public const string Shutdown = "shutdown";

    /// <summary>The event's pixel has no Conversions API key (or the pixel resolver does not know it): its events stay in the browser.</summary>
    public const string NoApiKey = "no_api_key";

    /// <summary>The event's pixel would need a queue past <see cref="ConversionsApiOptions.MaxPixels"/>.</summary>
    public const string PixelLimit = "pixel_limit";

    /// <summary>Every pixel's queue together holds <see cref="ConversionsApiOptions.MaxTotalQueueSize"/> events.</summary>
    public const string TotalQueueFull = "total_queue_full";

    /// <summary>A view event's server copy for a prefetch or prerender request (<see cref="OaiqServerViewOptions"/>).</summary>
    public const string Prefetch = "prefetch";

    /// <summary>A view event's server copy for a request that is not a browser navigation.</summary>
    public const string NotNavigation = "not_navigation";

    /// <summary>A view event's server copy for a bot's user agent.</summary>
    public const string Bot = "bot";
}
