using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Configuration;
using Polly.Telemetry;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>Registers the server leg. Called by <c>AddOaiqTracking</c>; idempotent.</summary>
internal static class ConversionsApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the server leg's pipeline (as <see cref="IConversionEventSink"/>, unless one is registered already), the
    /// in-memory queue (as <see cref="IConversionEventStore"/> unless a store is registered already, and always keyed under
    /// <see cref="IConversionEventStore.InMemoryKey"/>), the delivery service, its
    /// typed <see cref="HttpClient"/> with the standard resilience handler, the background sender, metrics and the
    /// options validator. Reads <see cref="OaiqTrackingOptions"/>; configure them before or after. In an app built without
    /// the server leg (<see cref="OaiqFeatureSwitches.IsConversionsApiSupported"/>) the delivery service, the client and the
    /// sender are left out.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddOaiqConversionsApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(ConversionsApiMarker)))
        {
            return services;
        }

        services.AddSingleton<ConversionsApiMarker>();
        services.AddOptionsWithValidateOnStart<OaiqTrackingOptions, OaiqTrackingOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ConversionsApiInstrumentation>();
        services.TryAddSingleton<Diagnostics.RecentOutcomes>();
        services.TryAddSingleton<PixelMetricTags>();
        services.TryAddSingleton<IOaiqPixelResolver, Tracking.ConfiguredPixelResolver>();
        services.TryAddSingleton<PixelDirectory>();
        services.TryAddSingleton<ConversionEventQueue>();
        services.TryAddSingleton<IConversionEventStore>(static sp => sp.GetRequiredService<ConversionEventQueue>());
        services.TryAddKeyedSingleton<IConversionEventStore>(IConversionEventStore.InMemoryKey, static (sp, _) => sp.GetRequiredService<ConversionEventQueue>());
        services.TryAddSingleton<InMemoryDeadLetters>();
        services.TryAddKeyedSingleton<Diagnostics.IOaiqStoreInspector>(Diagnostics.IOaiqStoreInspector.InMemoryKey, static (sp, _) => sp.GetRequiredService<InMemoryDeadLetters>());
        services.TryAddSingleton<ConversionEventPipeline>();
        services.TryAddSingleton<IConversionEventSink>(static sp => sp.GetRequiredService<ConversionEventPipeline>());
        services.AddSingleton<IHostedService>(static sp => CreateSender(sp));

        if (!OaiqFeatureSwitches.IsConversionsApiSupported)
        {
            // Built without the server leg: no HttpClient, resilience pipeline or sender is registered, so none is linked.
            // A package that delivers records itself (the outbox) fails at start naming the MSBuild property.
            services.TryAddSingleton<IConversionsApiDelivery>(static _ => throw OaiqFeatureSwitches.ConversionsApiNotLinked(nameof(IConversionsApiDelivery)));
            return services;
        }

        services.TryAddSingleton<BatchDelivery>();
        services.TryAddSingleton<IConversionsApiDelivery, ConversionsApiDelivery>();

        services.AddHttpClient<ConversionsApiClient>(ConversionsApiOptions.HttpClientName, static client =>
            {
                // The resilience handler owns the timeouts (per attempt and in total).
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            })
            // IHttpClientFactory's Trace-level header log puts raw header values (the bearer key) in its structured
            // state even when redaction masks the message; the sender logs every request itself, without the key.
            .RemoveAllLoggers()
            .AddStandardResilienceHandler()
            .Configure(static (HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
                ConfigureResilience(resilience, sp.GetRequiredService<IOptions<OaiqTrackingOptions>>().Value.ConversionsApi))
            // One pipeline per pixel (pid): one pixel's outage opens only its own circuit breaker, never another pixel's.
            .SelectPipelineBy(static _ => static request => PipelineKey(request.RequestUri));

        // Polly's telemetry options are the app's (one for all its pipelines); only this client's attempts are changed.
        services.AddOptions<TelemetryOptions>().PostConfigure(QuietSuccessfulAttempts);
        return services;
    }

    /// <summary>
    /// The sender, when the server leg is on; else a notice that says once why it is off (log 100): an app without a key
    /// starts no loop and builds no HTTP client. Whether the leg is on is fixed for the process's life
    /// (<see cref="ConversionEventPipeline.OffReason"/>).
    /// </summary>
    private static IHostedService CreateSender(IServiceProvider services)
    {
        var pipeline = services.GetRequiredService<ConversionEventPipeline>();
        return OaiqFeatureSwitches.IsConversionsApiSupported && pipeline.IsEnabled
            ? ActivatorUtilities.CreateInstance<ConversionsApiSender>(services)
            : new ServerLegOffNotice(pipeline, services.GetRequiredService<ILogger<ConversionsApiSender>>());
    }

    /// <summary>
    /// Keeps Polly's telemetry for the Conversions API client quiet on success: Polly logs every attempt (category
    /// <c>Polly</c>, <c>ExecutionAttempt</c>) at Information, one line per batch sent, so for this client's pipelines (named
    /// <c>OaiqPixel.ConversionsApi-standard</c>) an attempt that needs no retry is Debug. A retried failure stays a Warning
    /// (and the sender's logs 112–116 say what failed); the app's other pipelines keep their levels.
    /// </summary>
    private static void QuietSuccessfulAttempts(TelemetryOptions options)
    {
        var appProvider = options.SeverityProvider;
        options.SeverityProvider = args =>
        {
            var severity = appProvider?.Invoke(args) ?? args.Event.Severity;
            return severity == ResilienceEventSeverity.Information
                && string.Equals(args.Event.EventName, "ExecutionAttempt", StringComparison.Ordinal)
                && args.Source.PipelineName?.StartsWith(ConversionsApiOptions.HttpClientName + "-", StringComparison.Ordinal) == true
                    ? ResilienceEventSeverity.Debug
                    : severity;
        };
    }

    /// <summary>
    /// Retries 408, 429, 5xx, timeouts and connection errors (the standard handler's transient set, never 400/401/403/422)
    /// with exponential back-off and jitter, honouring <c>Retry-After</c>. Resending a POST is safe: the payload is the same
    /// and the API deduplicates on event id.
    /// </summary>
    internal static void ConfigureResilience(HttpStandardResilienceOptions resilience, ConversionsApiOptions api)
    {
        resilience.AttemptTimeout.Timeout = api.RequestTimeout;
        resilience.TotalRequestTimeout.Timeout = api.TotalRequestTimeout;
        resilience.Retry.MaxRetryAttempts = api.MaxRetryAttempts;
        resilience.Retry.Delay = api.RetryDelay;
        resilience.Retry.MaxDelay = api.MaxRetryDelay;
        resilience.Retry.BackoffType = Polly.DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;
        resilience.Retry.ShouldRetryAfterHeader = true;

        // The standard options require the breaker's sampling window to be at least twice the attempt timeout.
        var minimumSampling = TimeSpan.FromTicks(api.RequestTimeout.Ticks * 2);
        if (resilience.CircuitBreaker.SamplingDuration < minimumSampling)
        {
            resilience.CircuitBreaker.SamplingDuration = minimumSampling;
        }
    }

    /// <summary>The resilience pipeline of a request: its <c>pid</c> (the query of <c>…/v1/events?pid=…</c>), so each pixel has its own breaker.</summary>
    internal static string PipelineKey(Uri? requestUri) => requestUri?.Query ?? string.Empty;

    /// <summary>
    /// <c>OaiqPixel/{package version}</c>, e.g. <c>OaiqPixel/0.4.0</c> or <c>OaiqPixel/0.4.1-alpha.0.3</c>: the informational
    /// version without its <c>+commit</c> suffix (the assembly version is only <c>major.0.0.0</c>).
    /// </summary>
    internal static string UserAgent { get; } = "OaiqPixel/" + (typeof(ConversionsApiClient).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    /// <summary>Marks the registration as done, so a second call adds nothing.</summary>
    private sealed class ConversionsApiMarker;
}
