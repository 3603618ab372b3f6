using System.Text.Json;
using OaiqPixel.AspNetCore.Diagnostics;

// Extension methods live in the DI namespace so no extra using is needed.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes the OaiqPixel support bundle: what to attach to a support request (README "Support bundle").</summary>
public static class OaiqSupportBundleServiceProviderExtensions
{
    /// <summary>
    /// Makes the support bundle: indented UTF-8 JSON with snake-case names, <c>{ generated_at, versions: { packages,
    /// runtime, asp_net_core, os, architecture }, configuration: { … }, health: [{ name, status, duration_ms, exception }]
    /// | null, counts: { queued, enqueued, delivered, failed, dead_lettered, dropped: { reason: n } }, stores: [{ name,
    /// pending, dead_lettered, delivered, error }], recent_outcomes: [{ at, outcome, status_code, events, request_id }]
    /// }</c>. Redacted by construction: it is written from a shape that holds only versions, counts, flags,
    /// option numbers (durations in ms) and enum names, health statuses, and the API's own answers to the last 50
    /// Conversions API requests (outcome, status, <c>x-request-id</c>; not their messages, which may quote a refused
    /// value). No key, pixel id, address, <c>oppref</c>,
    /// <c>obref</c>, event or personal data has a field to go in; secrets appear only as set / not set.
    /// </summary>
    /// <param name="services">The app's services (e.g. <c>app.Services</c>, or a request's <c>RequestServices</c>).</param>
    /// <param name="cancellationToken">Cancels the health checks and store reads it runs.</param>
    /// <returns>The bundle's JSON.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddOaiqTracking()</c> was not called.</exception>
    /// <remarks>
    /// Runs the health checks the OaiqPixel packages registered (<c>AddOaiqConversionsApi</c>, <c>AddOaiqOutbox</c>, …)
    /// and reads each durable store's counts, which may query its database; a store that fails is reported by its
    /// exception's type. The development page serves the same bundle at <c>/oaiq/support-bundle.json</c>.
    /// </remarks>
    public static async Task<string> GetOaiqSupportBundleAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var bundle = await SupportBundleBuilder.BuildAsync(services, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Serialize(bundle, SupportBundleJsonContext.Default.SupportBundle);
    }
}
