namespace OaiqPixel.AspNetCore;

/// <summary>
/// Opts an endpoint (controller, action, Razor Page) out of tracking: no cookie is written, <c>&lt;oaiq-pixel /&gt;</c>
/// renders nothing and the tracker records nothing. For minimal APIs use <c>.DisableOaiqTracking()</c>.
/// </summary>
/// <remarks>Read from endpoint metadata, so <c>app.UseOaiqTracking()</c> must come after <c>app.UseRouting()</c>.</remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class DisableOaiqTrackingAttribute : Attribute
{
}
