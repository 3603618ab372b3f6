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
}
