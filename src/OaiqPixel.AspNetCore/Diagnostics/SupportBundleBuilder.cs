using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Verification;

namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>
/// Fills the <see cref="SupportBundle"/> shape from what the package already keeps: the options (read field by field
/// into flags and numbers), the health checks the OaiqPixel packages registered, the instrumentation's totals, each
/// durable store's counts and the ring of recent outcomes. Nothing is serialised from an option or an event.
/// </summary>
internal static class SupportBundleBuilder
{
    private const string PackagePrefix = "OaiqPixel.";

    // The packages a bundle reports, when loaded: a fixed list, so no other assembly's name reaches it.
    private static readonly string[] s_packages =
        ["OaiqPixel.Abstractions", "OaiqPixel.AspNetCore", "OaiqPixel.EntityFrameworkCore", "OaiqPixel.Sandbox", "OaiqPixel.Testing"];

    // The verification's default address, from its options (their one owner), to say whether the app changed it.
    private static readonly Uri s_defaultVerificationAddress = new OaiqVerificationOptions().BaseAddress;

    public static async Task<SupportBundle> BuildAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var metrics = services.GetService<ConversionsApiInstrumentation>()
            ?? throw new InvalidOperationException("The OaiqPixel support bundle needs the tracking services: call builder.Services.AddOaiqTracking() first.");
        var options = services.GetRequiredService<IOptionsMonitor<OaiqTrackingOptions>>().CurrentValue;
        var pipeline = services.GetRequiredService<ConversionEventPipeline>();
        var dropped = metrics.DroppedTotals;
        var counts = new SupportBundleCounts(
            services.GetRequiredService<ConversionEventQueue>().Count,
            metrics.EnqueuedTotal,
            metrics.SentTotal,
            metrics.FailedTotal,
            dropped.GetValueOrDefault(DropReason.DeadLetter),
            dropped);

        return new SupportBundle(
            services.GetRequiredService<TimeProvider>().GetUtcNow(),
            Versions(),
            Configuration(options, pipeline.IsEnabled, services.GetService<VerificationChecker>()?.Settings),
            await HealthAsync(services, cancellationToken).ConfigureAwait(false),
            counts,
            await StoresAsync(services, cancellationToken).ConfigureAwait(false),
            services.GetRequiredService<RecentOutcomes>().Snapshot());
    }

    private static SupportBundleVersions Versions()
    {
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .Select(static a => (Name: a.GetName().Name, Assembly: a))
            .Where(static a => a.Name is not null && s_packages.Contains(a.Name, StringComparer.Ordinal))
            .DistinctBy(static a => a.Name)
            .ToDictionary(static a => a.Name!, static a => VersionOf(a.Assembly), StringComparer.Ordinal);
        return new SupportBundleVersions(
            new SortedDictionary<string, string>(loaded, StringComparer.Ordinal),
            RuntimeInformation.FrameworkDescription,
            VersionOf(typeof(HttpContext).Assembly),
            RuntimeInformation.OSDescription,
            RuntimeInformation.ProcessArchitecture.ToString());
    }

    private static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "unknown";

    /// <param name="o">The tracking options.</param>
    /// <param name="serverLegOn">Whether the server leg runs.</param>
    /// <param name="verification">The verification's settings in force (its last valid ones), or <see langword="null"/> when it is not registered.</param>
    private static SupportBundleConfiguration Configuration(OaiqTrackingOptions o, bool serverLegOn, OaiqVerificationOptions? verification)
    {
        var api = o.ConversionsApi;
        return new SupportBundleConfiguration
        {
            Enabled = o.Enabled,
            PixelIdSet = !string.IsNullOrWhiteSpace(o.PixelId),
            Pixels = o.Pixels.Count,
            PixelsWithOwnApiKey = o.Pixels.Count(static p => !string.IsNullOrWhiteSpace(p?.ApiKey)),
            PixelResolver = o.HasPixelResolver,
            ApiKeySet = !string.IsNullOrWhiteSpace(api.ApiKey),
            ServerLegOn = serverLegOn,
            BrowserLeg = o.BrowserLeg.ToString(),
            ConsentMode = o.ConsentMode.ToString(),
            Debug = o.Debug,
            AutoPageView = o.AutoPageView,
            SdkUrlIsDefault = string.Equals(o.SdkUrl, OaiqTrackingOptions.DefaultSdkUrl, StringComparison.Ordinal),
            BaseAddressIsDefault = api.BaseAddress == ConversionsApiOptions.DefaultBaseAddress,
            ValidateOnly = api.ValidateOnly,
            SendPageViews = api.SendPageViews,
            MaxBatchSize = api.MaxBatchSize,
            FlushIntervalMs = api.FlushInterval.TotalMilliseconds,
            MaxQueueSize = api.MaxQueueSize,
            MaxTotalQueueSize = api.MaxTotalQueueSize,
            MaxPixels = api.MaxPixels,
            RequestTimeoutMs = api.RequestTimeout.TotalMilliseconds,
            TotalRequestTimeoutMs = api.TotalRequestTimeout.TotalMilliseconds,
            MaxRetryAttempts = api.MaxRetryAttempts,
            BackoffDelayMs = api.BackoffDelay.TotalMilliseconds,
            MaxBackoffDelayMs = api.MaxBackoffDelay.TotalMilliseconds,
            DeadLetterCallbackSet = api.OnDeadLetter is not null,
            VerificationRegistered = verification is not null,
            VerificationAdsApiKeySet = !string.IsNullOrWhiteSpace(verification?.AdsApiKey),
            VerificationBaseAddressIsDefault = verification is null || verification.BaseAddress == s_defaultVerificationAddress,
            VerificationIntervalMs = verification?.Interval.TotalMilliseconds ?? 0,
            VerificationMinimumEvents = verification?.MinimumEvents ?? 0,
        };
    }

    /// <summary>The results of the health checks an OaiqPixel package registered, or <see langword="null"/> when the app has no health checks.</summary>
    private static async Task<IReadOnlyList<SupportBundleHealthEntry>?> HealthAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<HealthCheckService>() is not { } health)
        {
            return null;
        }

        var report = await health.CheckHealthAsync(IsOaiqPixelCheck, cancellationToken).ConfigureAwait(false);
        return [.. report.Entries.OrderBy(static e => e.Key, StringComparer.Ordinal).Select(static e => new SupportBundleHealthEntry(
            e.Key,
            e.Value.Status.ToString(),
            e.Value.Duration.TotalMilliseconds,
            e.Value.Exception?.GetType().FullName))];
    }

    // A check is the package's when its factory was written in an OaiqPixel assembly (AddOaiqConversionsApi, AddOaiqOutbox, …), whatever its name.
    private static bool IsOaiqPixelCheck(HealthCheckRegistration registration) =>
        registration.Factory.Target?.GetType().Assembly.GetName().Name?.StartsWith(PackagePrefix, StringComparison.Ordinal) == true;

    private static async Task<IReadOnlyList<SupportBundleStore>> StoresAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var stores = new List<SupportBundleStore>();
        foreach (var inspector in services.GetServices<IOaiqStoreInspector>())
        {
            try
            {
                var snapshot = await inspector.GetSnapshotAsync(0, cancellationToken).ConfigureAwait(false);
                stores.Add(new SupportBundleStore(inspector.Name, snapshot.PendingCount, snapshot.DeadLetteredCount, snapshot.DeliveredCount, null));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                stores.Add(new SupportBundleStore(inspector.Name, null, null, null, ex.GetType().FullName));
            }
        }

        return stores;
    }
}
