using Microsoft.Extensions.DependencyInjection;

namespace OaiqPixel.AspNetCore;

/// <summary>
/// Returned by <c>AddOaiqTracking</c>: what tracking is built from is added through it, so registrations read as one
/// chain — <c>services.AddOaiqTracking(section).AddConsentResolver&lt;MyResolver&gt;().ConfigureConversionsApi(…)</c> —
/// and packages built on OaiqPixel (a durable outbox, pixels per request) hang their own <c>Add…</c> methods on it.
/// </summary>
public interface IOaiqTrackingBuilder
{
    /// <summary>The service collection tracking was added to.</summary>
    IServiceCollection Services { get; }
}
