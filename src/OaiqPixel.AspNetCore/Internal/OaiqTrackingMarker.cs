namespace OaiqPixel.AspNetCore.Internal;

/// <summary>Proves <c>AddOaiqTracking</c> ran, and remembers which configuration sections are already bound.</summary>
internal sealed class OaiqTrackingMarker
{
    public HashSet<string> BoundSections { get; } = new(StringComparer.OrdinalIgnoreCase);
}
