using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.Testing;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

/// <summary>
/// The server leg registered on its own (options + <c>AddOaiqConversionsApi()</c>), pointed at a real loopback
/// <see cref="FakeConversionsApi"/>, with fake logging and tiny timeouts so fault tests run fast.
/// </summary>
internal sealed class ServerLegHarness : IAsyncDisposable
{
    private bool _senderStarted;
    private bool _senderStopped;

    private ServerLegHarness(FakeConversionsApi api, ServiceProvider provider, IConfigurationRoot configuration)
    {
        Api = api;
        Provider = provider;
        Configuration = configuration;
    }

    public FakeConversionsApi Api { get; }

    public ServiceProvider Provider { get; }

    public IConfigurationRoot Configuration { get; }

    public IConversionEventSink Sink => Provider.GetRequiredService<IConversionEventSink>();

    public ConversionEventQueue Queue => Provider.GetRequiredService<ConversionEventQueue>();

    public ConversionsApiSender Sender => Provider.GetServices<IHostedService>().OfType<ConversionsApiSender>().Single();

    public FakeLogCollector Logs => Provider.GetFakeLogCollector();

    public IMeterFactory MeterFactory => Provider.GetRequiredService<IMeterFactory>();

    public TimeProvider Time => Provider.GetRequiredService<TimeProvider>();

    public List<DeadLetteredEvent> DeadLetters { get; } = [];

    public static async Task<ServerLegHarness> StartAsync(
        Action<OaiqTrackingOptions>? configure = null,
        TimeProvider? timeProvider = null,
        FakeConversionsApiOptions? apiOptions = null,
        IDictionary<string, string?>? configuration = null,
        bool startSender = true)
    {
        apiOptions ??= new FakeConversionsApiOptions();
        if (timeProvider is not null)
        {
            apiOptions.TimeProvider = timeProvider;
        }

        var api = await FakeConversionsApi.StartAsync(apiOptions);
        var config = new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build();
        ServerLegHarness? harness = null;
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        services.AddOptions<OaiqTrackingOptions>()
            .Configure(o =>
            {
                o.PixelId = api.PixelId;
                var c = o.ConversionsApi;
                c.ApiKey = api.ApiKey;
                c.BaseAddress = api.BaseAddress;
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
                if (timeProvider is not null)
                {
                    // The standard resilience handler takes its clock from DI too, so with a fake clock its attempt
                    // timeout, total timeout and retry delays run on fake time: a test that advances the clock by
                    // seconds while a request is in flight would cut it (an extra request, duplicates), and an
                    // execution left waiting on fake time makes the pipeline's disposal wait forever. Keep the
                    // timeouts out of reach of any test's clock moves.
                    c.RequestTimeout = TimeSpan.FromHours(1);
                    c.TotalRequestTimeout = TimeSpan.FromHours(2);
                }

                c.OnDeadLetter = d =>
                {
                    lock (harness!.DeadLetters)
                    {
                        harness.DeadLetters.Add(d);
                    }
                };
                configure?.Invoke(o);
            })
            .Bind(config.GetSection(OaiqTrackingOptions.SectionName));
        services.AddSingleton<IOptionsChangeTokenSource<OaiqTrackingOptions>>(new ConfigurationChangeTokenSource<OaiqTrackingOptions>(config));
        services.AddOaiqConversionsApi();

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        harness = new ServerLegHarness(api, provider, config);
        if (startSender)
        {
            await harness.StartSenderAsync();
        }

        return harness;
    }

    public async Task StartSenderAsync()
    {
        _senderStarted = true;
        await Sender.StartAsync(CancellationToken.None);
    }

    public async Task StopSenderAsync(TimeSpan? hostTimeout = null)
    {
        _senderStopped = true;
        using var cts = new CancellationTokenSource(hostTimeout ?? TimeSpan.FromSeconds(30));
        await Sender.StopAsync(cts.Token);
    }

    public int EnqueueAll(IEnumerable<ConversionEvent> events)
    {
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

    public MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(MeterFactory, OaiqTelemetry.MeterName, instrument);

    /// <summary>Every captured log line, message, structured value and exception, as one text per record.</summary>
    public IEnumerable<string> LogTexts() =>
        Logs.GetSnapshot().Select(r =>
            r.Message + " | " + string.Join(" | ", r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? []) + " | " + r.Exception);

    public async Task<FakeLogRecord> WaitForLogAsync(int eventId)
    {
        for (var i = 0; i < 500; i++)
        {
            var record = Logs.GetSnapshot().FirstOrDefault(r => r.Id.Id == eventId);
            if (record is not null)
            {
                return record;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"No log with event id {eventId}.");
    }

    public void AssertNoSecretsLogged(params string[] moreSecrets)
    {
        var secrets = new[] { Api.ApiKey, TestEvents.Email, TestEvents.EmailSha256, TestEvents.Oppref, TestEvents.Obref, TestEvents.IpAddress }.Concat(moreSecrets).ToArray();
        var texts = LogTexts().ToList();
        Assert.NotEmpty(texts);
        foreach (var text in texts)
        {
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.OrdinalIgnoreCase), $"A log line contains a secret value: {text}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_senderStarted && !_senderStopped)
        {
            try
            {
                await StopSenderAsync(TimeSpan.FromSeconds(2));
            }
            catch (OperationCanceledException)
            {
            }
        }

        await Provider.DisposeAsync();
        await Api.DisposeAsync();
    }
}
