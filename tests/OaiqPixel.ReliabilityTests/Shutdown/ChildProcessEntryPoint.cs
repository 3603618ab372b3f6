using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OaiqPixel.ReliabilityTests.Infrastructure;

namespace OaiqPixel.ReliabilityTests.Shutdown;

/// <summary>
/// The test assembly's own <c>Main</c> (the test host never calls it). <c>dotnet OaiqPixel.ReliabilityTests.dll
/// kill-target &lt;baseAddress&gt; &lt;apiKey&gt; &lt;pixelId&gt; &lt;count&gt; &lt;batchSize&gt;</c> is the child process of the
/// hard-kill test: an app host with <c>AddOaiqTracking</c> that enqueues <c>count</c> events, says so on stdout, and runs
/// until it is killed (SIGKILL) or stopped (SIGTERM, a graceful stop that drains the queue).
/// </summary>
public static class ChildProcessEntryPoint
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "outbox-target")
        {
            return await Outbox.OutboxTarget.RunAsync(args);
        }

        if (args.Length != 6 || args[0] != "kill-target")
        {
            await Console.Error.WriteLineAsync("usage: kill-target <baseAddress> <apiKey> <pixelId> <count> <batchSize>");
            return 2;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oaiq:PixelId"] = args[3],
            ["Oaiq:ConversionsApi:ApiKey"] = args[2],
            ["Oaiq:ConversionsApi:BaseAddress"] = args[1],
            ["Oaiq:ConversionsApi:MaxBatchSize"] = args[5],
            ["Oaiq:ConversionsApi:FlushInterval"] = "00:00:00.050",
            ["Oaiq:ConversionsApi:ShutdownTimeout"] = "00:00:20",
            ["Oaiq:ConversionsApi:RetryDelay"] = "00:00:00.050",
            ["Oaiq:ConversionsApi:MaxRetryDelay"] = "00:00:00.500",
            ["Oaiq:ConversionsApi:BackoffDelay"] = "00:00:00.050",
            ["Oaiq:ConversionsApi:MaxBackoffDelay"] = "00:00:00.500",
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Logging.ClearProviders();
        builder.Services.AddOaiqTracking(builder.Configuration.GetSection("Oaiq"));
        using var host = builder.Build();
        await host.StartAsync();

        var sink = host.Services.GetRequiredService<IConversionEventSink>();
        var count = int.Parse(args[4], CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;
        var accepted = 0;
        for (var i = 0; i < count; i++)
        {
            if (sink.TryEnqueue(Events.Order(Events.Id("kill_", i), now)))
            {
                accepted++;
            }
        }

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ENQUEUED {accepted}"));
        Console.Out.Flush();
        await host.WaitForShutdownAsync();
        Console.Out.WriteLine("STOPPED");
        Console.Out.Flush();
        return 0;
    }
}
