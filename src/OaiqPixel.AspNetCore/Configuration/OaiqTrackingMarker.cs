namespace OaiqPixel.AspNetCore.Configuration;

/// <summary>
/// Proves <c>AddOaiqTracking</c> ran, and remembers where the options come from: which configuration sections are
/// already bound, and what validation messages should name (<see cref="OaiqOptionKeys"/>).
/// </summary>
internal sealed class OaiqTrackingMarker
{
    public HashSet<string> BoundSections { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The path of the section last passed to <c>AddOaiqTracking(IConfiguration)</c> (<c>""</c> for a root).</summary>
    public string? LastBoundSection { get; set; }

    /// <summary>Whether the app configuration's <c>Oaiq</c> section is bound (the overloads without an <c>IConfiguration</c>).</summary>
    public bool BindsDefaultSection { get; set; }

    /// <summary>Whether an <c>Action&lt;OaiqTrackingOptions&gt;</c> overload was used.</summary>
    public bool HasCodeConfiguration { get; set; }
}
