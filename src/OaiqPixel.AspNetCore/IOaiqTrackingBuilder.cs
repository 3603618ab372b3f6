using Microsoft.Extensions.DependencyInjection;

namespace OaiqPixel.AspNetCore;

/// <summary>Returned by <c>AddOaiqTracking</c> so follow-on registrations read naturally.</summary>
public interface IOaiqTrackingBuilder
{
    /// <summary>The service collection tracking was added to.</summary>
    IServiceCollection Services { get; }
}
