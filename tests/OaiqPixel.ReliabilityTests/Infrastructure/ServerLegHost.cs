using OaiqPixel.AspNetCore.ConversionsApi;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OaiqPixel.AspNetCore;

namespace OaiqPixel.ReliabilityTests.Infrastructure;

/// <summary>
/// The server leg as an application gets it: a generic host with <c>AddOaiqTracking(configuration section, configure)</c>
/// (options, queue, typed HttpClient with the standard resilience handler, the hosted sender, metrics), every log line
/// collected at Trace, and an in-memory configuration that a test can change and reload.
/// </summary>
internal sealed class ServerLegHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private ServerLegHost(IHost host, IConfigurationRoot configuration)
    {
        _host = host;
        Configuration = configuration;
    }

    public IServiceProvider Services => _host.Services;

    public IConfigurationRoot Configuration { get; }

    public IConversionEventSink Sink => Services.GetRequiredService<IConversionEventSink>();

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    public List<DeadLetteredEvent> DeadLetters { get; } = [];

    /// <summary>Builds and starts the host.</summary>
    /// <param name="settings">The <c>Oaiq:…</c> configuration keys (key, base address, batching, timeouts).</param>
    /// <param name="configure">Code options applied after binding (for delegates such as <c>OnDeadLetter</c>).</param>
    public static async Task<ServerLegHost> StartAsync(IDictionary<string, string?> settings, Action<OaiqTrackingOptions>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
        ServerLegHost? self = null;
        builder.Services.AddOaiqTracking(builder.Configuration.GetSection("Oaiq"), o =>
        {
            o.ConversionsApi.OnDeadLetter = d =>
            {
                lock (self!.DeadLetters)
                {
                    self.DeadLetters.Add(d);
                }
            };
            configure?.Invoke(o);
        });

        var host = builder.Build();
        self = new ServerLegHost(host, builder.Configuration);
        await host.StartAsync();
        return self;
    }

    /// <summary>Settings for a host pointed at <paramref name="api"/> with tiny back-offs and timeouts.</summary>
    public static Dictionary<string, string?> Settings(OaiqPixel.Testing.FakeConversionsApi api, string? apiKey = null) => new()
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

    public MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(Services.GetRequiredService<IMeterFactory>(), "OaiqPixel", instrument);

    /// <summary>Every captured log line: level, category, message, every structured value and the exception.</summary>
    public IEnumerable<string> LogTexts() => LogText.Of(Logs.GetSnapshot());

    public async Task StopAsync(TimeSpan timeout)
    {
        _stopped = true;
        using var cts = new CancellationTokenSource(timeout);
        await _host.StopAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            try
            {
                await StopAsync(TimeSpan.FromSeconds(5));
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
}
