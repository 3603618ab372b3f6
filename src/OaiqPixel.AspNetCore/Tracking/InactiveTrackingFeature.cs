namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>What the scoped <see cref="IOaiqTrackingFeature"/> resolves to when tracking is off for the request or there is no request.</summary>
internal sealed class InactiveTrackingFeature : IOaiqTrackingFeature
{
    public static InactiveTrackingFeature Instance { get; } = new();

    public bool IsActive => false;

    public string? Oppref => null;

    public bool IsNewOppref => false;

    public string? Obref => null;

    public OaiqConsent Consent => OaiqConsent.NotRequired;

    public string? SourceUrl => null;

    public string? Nonce => null;

    public string PageViewEventId => string.Empty;

    public bool IsPixelRendered => false;
}
