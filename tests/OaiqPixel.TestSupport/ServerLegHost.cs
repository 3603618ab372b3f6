using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.Testing;

namespace OaiqPixel.TestSupport;

/// <summary>
/// The server leg as an application gets it: a generic host with <c>AddOaiqTracking(configuration section, configure)</c>
/// (options, queue, the typed HttpClient with the standard resilience handler, the hosted sender, metrics), pointed at a
/// real loopback <see cref="FakeConversionsApi"/>, every log line collected at Trace, dead letters collected, and an
/// in-memory configuration a test can change and reload. Tiny back-offs and timeouts by default, so fault tests run fast;
/// an optional fake clock drives the sender's and the resilience handler's waits.
/// </summary>
public sealed class ServerLegHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly bool _ownsApi;
    private bool _started;
    private bool _stopped;

    private ServerLegHost(IHost host, IConfigurationRoot configuration, FakeConversionsApi api, bool ownsApi, List<DeadLetteredEvent> deadLetters)
    {
        _host = host;
        Configuration = configuration;
        Api = api;
        _ownsApi = ownsApi;
        DeadLetters = deadLetters;
    }

    /// <summary>The fake Conversions API the host points at (unless the configuration points it elsewhere).</summary>
    public FakeConversionsApi Api { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The host's configuration: set a key and <c>Reload()</c> to change the options at run time.</summary>
    public IConfigurationRoot Configuration { get; }

    /// <summary>The queue as the browser leg sees it.</summary>
    public IConversionEventSink Sink => Services.GetRequiredService<IConversionEventSink>();

    /// <summary>Every log record of the host, at every level.</summary>
    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>The meter factory the server leg's instruments come from.</summary>
    public IMeterFactory MeterFactory => Services.GetRequiredService<IMeterFactory>();

    /// <summary>The clock of the sender and the resilience handler (the fake one, when given).</summary>
    public TimeProvider Time => Services.GetRequiredService<TimeProvider>();

    /// <summary>Every dead-lettered event, in order; lock on the list to read it while the sender runs.</summary>
    public List<DeadLetteredEvent> DeadLetters { get; }

    internal ConversionEventQueue Queue => Services.GetRequiredService<ConversionEventQueue>();

    internal ConversionsApiSender Sender => Services.GetServices<IHostedService>().OfType<ConversionsApiSender>().Single();

    /// <summary>Builds the host and, unless told otherwise, starts it (and so the sender).</summary>
    /// <param name="configure">Options set in code, after the configuration is bound (for example <c>MaxBatchSize</c>).</param>
    /// <param name="configuration">
    /// <c>Oaiq:…</c> configuration keys, bound over the host's defaults (for example a wrong <c>ApiKey</c> to fix by a
    /// reload later, or <see cref="Settings"/> for an app's whole server leg).
    /// </param>
    /// <param name="timeProvider">
    /// A fake clock for the sender, the resilience handler and the fake API. The HTTP attempt and total timeouts are then
    /// moved out of reach of any test's clock moves (an hour, two hours): advancing the clock while a request is in flight
    /// would cut it (an extra request, duplicates), and an execution left waiting on fake time makes the pipeline's
    /// disposal wait forever. <paramref name="configure"/> may still set them.
    /// </param>
    /// <param name="apiOptions">Options of the fake API the host starts (ignored with <paramref name="api"/>).</param>
    /// <param name="api">A fake API the test started and disposes itself; by default the host starts (and disposes) one.</param>
    /// <param name="startSender">Start the host at once; <see langword="false"/> to queue events or faults first, then <see cref="StartSenderAsync"/>.</param>
    /// <param name="tracking">Adds to the tracking registration, e.g. <c>b => b.AddPixelResolver&lt;T&gt;()</c>.</param>
    /// <returns>The host; dispose it to stop it and its fake API.</returns>
    public static async Task<ServerLegHost> StartAsync(
        Action<OaiqTrackingOptions>? configure = null,
        IDictionary<string, string?>? configuration = null,
        TimeProvider? timeProvider = null,
        FakeConversionsApiOptions? apiOptions = null,
        FakeConversionsApi? api = null,
        bool startSender = true,
        Action<IOaiqTrackingBuilder>? tracking = null)
    {
        var ownsApi = api is null;
        if (api is null)
        {
            apiOptions ??= new FakeConversionsApiOptions();
            if (timeProvider is not null)
            {
                apiOptions.TimeProvider = timeProvider;
            }

            api = await FakeConversionsApi.StartAsync(apiOptions);
        }

        try
        {
            return await BuildAsync(configure, configuration, timeProvider, api, ownsApi, startSender, tracking);
        }
        catch when (ownsApi)
        {
            await api.DisposeAsync();
            throw;
        }
    }

    private static async Task<ServerLegHost> BuildAsync(
        Action<OaiqTrackingOptions>? configure,
        IDictionary<string, string?>? configuration,
        TimeProvider? timeProvider,
        FakeConversionsApi api,
        bool ownsApi,
        bool startSender,
        Action<IOaiqTrackingBuilder>? tracking)
    {
        var fakeClock = timeProvider is not null && timeProvider != TimeProvider.System;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        builder.Configuration.AddInMemoryCollection(configuration ?? new Dictionary<string, string?>());
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        // The host's defaults come first, so the configuration (bound next) and the test's code (last) override them.
        // The options keep values, not the fake API or this object: timers of the HTTP client factory can keep a disposed
        // provider reachable for a while, and it must not keep the fake's recordings with it (the reliability suite
        // measures the memory a scenario leaves behind).
        var (pixelId, apiKey, baseAddress) = (api.PixelId, api.ApiKey, api.BaseAddress);
        var deadLetters = new List<DeadLetteredEvent>();
        builder.Services.Configure<OaiqTrackingOptions>(o =>
        {
            o.PixelId = pixelId;
            var c = o.ConversionsApi;
            c.ApiKey = apiKey;
            c.BaseAddress = baseAddress;
            c.MaxBatchSize = 100;
            c.FlushInterval = TimeSpan.FromMilliseconds(50);
            c.RequestTimeout = TimeSpan.FromSeconds(2);
            c.TotalRequestTimeout = TimeSpan.FromSeconds(10);
            c.MaxRetryAttempts = 3;
            c.RetryDelay = TimeSpan.FromMilliseconds(20);
            c.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
            c.BackoffDelay = TimeSpan.FromMilliseconds(20);
            c.MaxBackoffDelay = TimeSpan.FromMilliseconds(200);
            c.ShutdownTimeout = TimeSpan.FromSeconds(10);
        });

        var trackingBuilder = builder.Services.AddOaiqTracking(builder.Configuration.GetSection(OaiqTrackingOptions.SectionName), o =>
        {
            if (fakeClock)
            {
                o.ConversionsApi.RequestTimeout = TimeSpan.FromHours(1);
                o.ConversionsApi.TotalRequestTimeout = TimeSpan.FromHours(2);
            }

            o.ConversionsApi.OnDeadLetter = d =>
            {
                lock (deadLetters)
                {
                    deadLetters.Add(d);
                }
            };
            configure?.Invoke(o);
        });
        tracking?.Invoke(trackingBuilder);

        var host = builder.Build();
        var self = new ServerLegHost(host, builder.Configuration, api, ownsApi, deadLetters);
        if (startSender)
        {
            try
            {
                await self.StartSenderAsync();
            }
            catch
            {
                host.Dispose();
                throw;
            }
        }

        return self;
    }

    /// <summary>
    /// The configuration of an app's whole server leg pointed at <paramref name="api"/>: its key, pixel and address, batches
    /// of 500, a 20 ms flush interval, a queue of 20,000, and tiny back-offs and timeouts.
    /// </summary>
    /// <param name="api">The fake API.</param>
    /// <param name="apiKey">A key other than the fake's (a wrong one to fix later).</param>
    /// <returns><c>Oaiq:…</c> keys and values, to change before use.</returns>
    public static Dictionary<string, string?> Settings(FakeConversionsApi api, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        return new()
        {
            ["Oaiq:PixelId"] = api.PixelId,
            ["Oaiq:ConversionsApi:ApiKey"] = apiKey ?? api.ApiKey,
            ["Oaiq:ConversionsApi:BaseAddress"] = api.BaseAddress.ToString(),
            ["Oaiq:ConversionsApi:MaxBatchSize"] = "500",
            ["Oaiq:ConversionsApi:FlushInterval"] = "00:00:00.020",
            ["Oaiq:ConversionsApi:MaxQueueSize"] = "20000",
            ["Oaiq:ConversionsApi:RequestTimeout"] = "00:00:02",
            ["Oaiq:ConversionsApi:TotalRequestTimeout"] = "00:00:06",
            ["Oaiq:ConversionsApi:MaxRetryAttempts"] = "3",
            ["Oaiq:ConversionsApi:RetryDelay"] = "00:00:00.010",
            ["Oaiq:ConversionsApi:MaxRetryDelay"] = "00:00:00.100",
            ["Oaiq:ConversionsApi:BackoffDelay"] = "00:00:00.010",
            ["Oaiq:ConversionsApi:MaxBackoffDelay"] = "00:00:00.100",
            ["Oaiq:ConversionsApi:ShutdownTimeout"] = "00:00:20",
        };
    }

    /// <summary>Starts the host, and so the sender (options are validated now).</summary>
    /// <returns>A task that completes when the host has started.</returns>
    public async Task StartSenderAsync()
    {
        _started = true;
        await _host.StartAsync();
    }

    /// <summary>Stops the host: the sender drains within its <c>ShutdownTimeout</c>.</summary>
    /// <param name="timeout">The host's own deadline (30 s by default); past it the stop throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>A task that completes when the host has stopped.</returns>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        _stopped = true;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await _host.StopAsync(cts.Token);
    }

    /// <summary>Hands every event to the queue.</summary>
    /// <param name="events">The events.</param>
    /// <returns>How many the queue accepted.</returns>
    public int EnqueueAll(IEnumerable<ConversionEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var accepted = 0;
        foreach (var e in events)
        {
            if (Sink.TryEnqueue(e))
            {
                accepted++;
            }
        }

        return accepted;
    }

    /// <summary>Collects the measurements of one of the server leg's instruments from now on.</summary>
    /// <typeparam name="T">The instrument's value type.</typeparam>
    /// <param name="instrument">Its name, for example <c>oaiq.events.dropped</c>.</param>
    /// <returns>The collector; dispose it.</returns>
    public MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(MeterFactory, OaiqTelemetry.MeterName, instrument);

    /// <summary>Every captured log line: level, category, message, every structured value, the scopes and the exception.</summary>
    /// <returns>One text per record.</returns>
    public IEnumerable<string> LogTexts() => LogText.Of(Logs.GetSnapshot());

    /// <summary>Waits for the first log record with <paramref name="eventId"/>.</summary>
    /// <param name="eventId">The stable event id (README "Logging").</param>
    /// <returns>The record.</returns>
    public Task<FakeLogRecord> WaitForLogAsync(int eventId) =>
        Wait.ForAsync(
            () => Logs.GetSnapshot().FirstOrDefault(r => r.Id.Id == eventId),
            $"a log with event id {eventId}",
            () => "event ids " + string.Join(", ", Logs.GetSnapshot().Select(r => r.Id.Id)));

    /// <summary>Stops the host if a test did not, then disposes it and the fake API it started.</summary>
    /// <remarks>
    /// With a fake clock, the clock is moved on meanwhile: a test that failed can leave a request waiting on it, and the
    /// resilience pipeline's disposal waits for its executions on that same clock, which would otherwise never end.
    /// </remarks>
    /// <returns>A task that completes when everything is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        using var disposing = new CancellationTokenSource();
        var clockDriver = Time is FakeTimeProvider fake ? DriveAsync(fake, disposing.Token) : Task.CompletedTask;
        try
        {
            if (_started && !_stopped)
            {
                try
                {
                    await StopAsync(TimeSpan.FromSeconds(2));
                }
                catch (OperationCanceledException)
                {
                }
            }

            if (_host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else
            {
                _host.Dispose();
            }
        }
        finally
        {
            await disposing.CancelAsync();
            await clockDriver;
        }

        if (_ownsApi)
        {
            await Api.DisposeAsync();
        }
    }

    private static async Task DriveAsync(FakeTimeProvider clock, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            try
            {
                await Task.Delay(10, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
