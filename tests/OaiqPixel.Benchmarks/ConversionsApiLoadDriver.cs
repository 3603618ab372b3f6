using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using OaiqPixel;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.Testing;

/// <summary>
/// <c>--load</c>: sustained events/s from <see cref="IConversionEventSink.TryEnqueue"/> to the loopback
/// <see cref="FakeConversionsApi"/> with batching, against one POST per event (the baseline) in the same run, and the
/// memory queued events cost (<see cref="QueueMemoryDriver"/>).
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project tests/OaiqPixel.Benchmarks -- --load [batchedEvents] [perEventEvents] [concurrency] [rounds]</c>
/// </remarks>
public static class ConversionsApiLoadDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var batchedEvents = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        var perEventEvents = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20_000;
        var concurrency = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 32;
        var rounds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;
        Console.WriteLine($"OaiqPixel Conversions API load driver: {Environment.ProcessorCount} CPU(s), .NET {Environment.Version}");

        // Count-only fake: the strict per-event validation would be the bottleneck, not the library.
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { CountOnly = true });

        // Warm up both paths (JIT, connections) before measuring.
        await MeasureBatchedAsync(api, 20_000, quiet: true);
        await MeasureOnePostPerEventAsync(api, 1_000, concurrency, quiet: true);

        var batched = new List<double>();
        var perEvent = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            batched.Add(await MeasureBatchedAsync(api, batchedEvents, quiet: false));
            perEvent.Add(await MeasureOnePostPerEventAsync(api, perEventEvents, concurrency, quiet: false));
        }

        var b = Median(batched);
        var p = Median(perEvent);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"summary over {rounds} interleaved rounds: batched median {b:N0} events/s (min {batched.Min():N0}, max {batched.Max():N0}); one POST per event median {p:N0} events/s (min {perEvent.Min():N0}, max {perEvent.Max():N0}); ratio {b / p:0.0}x"));
        QueueMemoryDriver.Run(100_000);
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static ServiceProvider Build(FakeConversionsApi api, int maxQueueSize)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddOptions<OaiqTrackingOptions>().Configure(o =>
        {
            o.PixelId = api.PixelId;
            o.ConversionsApi.ApiKey = api.ApiKey;
            o.ConversionsApi.BaseAddress = api.BaseAddress;
            o.ConversionsApi.MaxBatchSize = 1000;
            o.ConversionsApi.MaxQueueSize = maxQueueSize;
            o.ConversionsApi.FlushInterval = TimeSpan.FromMilliseconds(100);
        });
        services.AddOaiqConversionsApi();
        return services.BuildServiceProvider();
    }

    private static async Task<double> MeasureBatchedAsync(FakeConversionsApi api, int count, bool quiet)
    {
        api.ClearRecordings();
        await using var provider = Build(api, 100_000);
        var sink = provider.GetRequiredService<IConversionEventSink>();
        var queue = provider.GetRequiredService<ConversionEventQueue>();
        var sender = provider.GetServices<IHostedService>().OfType<ConversionsApiSender>().Single();
        await sender.StartAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;

        // A pool of distinct events, enqueued round-robin (the queue only holds references).
        var events = Enumerable.Range(0, Math.Min(count, 20_000)).Select(i => Event("b" + i.ToString(CultureInfo.InvariantCulture), now)).ToArray();

        // The producer is paced to what the sender absorbs: it keeps at most PaceAhead events queued, so on 2 cores it
        // does not spin against a full queue and steal the CPU the sender and the fake need.
        const int PaceAhead = 8_000;
        var stopwatch = Stopwatch.StartNew();
        long refusals = 0;
        var enqueueTicks = 0L;
        for (var i = 0; i < count; i++)
        {
            while (queue.Count >= PaceAhead)
            {
                await Task.Delay(1);
            }

            var e = events[i % events.Length];
            var t0 = Stopwatch.GetTimestamp();
            while (!sink.TryEnqueue(e))
            {
                refusals++;
                await Task.Delay(1);
            }

            enqueueTicks += Stopwatch.GetTimestamp() - t0;
        }

        var enqueued = stopwatch.Elapsed;
        await api.WaitForEventsAsync(count, TimeSpan.FromMinutes(5));
        stopwatch.Stop();
        await sender.StopAsync(CancellationToken.None);
        var rate = api.AcceptedEventCount / stopwatch.Elapsed.TotalSeconds;
        if (!quiet)
        {
            var requests = api.TotalRequests;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batched (MaxBatchSize 1000): {api.AcceptedEventCount:N0} events delivered (counted at the fake) in {stopwatch.Elapsed.TotalSeconds:0.00} s = {rate:N0} events/s; {requests:N0} requests; producer done after {enqueued.TotalSeconds:0.00} s; queue-full refusals {refusals:N0}; mean TryEnqueue {Stopwatch.GetElapsedTime(0, enqueueTicks).TotalNanoseconds / count:0} ns"));
        }

        return rate;
    }

    private static async Task<double> MeasureOnePostPerEventAsync(FakeConversionsApi api, int count, int concurrency, bool quiet)
    {
        api.ClearRecordings();
        await using var provider = Build(api, 100_000);
        var client = provider.GetRequiredService<ITypedHttpClientFactory<ConversionsApiClient>>()
            .CreateClient(provider.GetRequiredService<IHttpClientFactory>().CreateClient(ConversionsApiOptions.HttpClientName));
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, count).Select(i => Event("p" + i.ToString(CultureInfo.InvariantCulture), now)).ToArray();
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < events.Length)
            {
                var result = await client.SendAsync([ConversionEventRecord.Create(events[i], api.PixelId)], CancellationToken.None);
                if (result.Outcome != SendOutcome.Delivered)
                {
                    throw new InvalidOperationException($"POST failed: {result}");
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        stopwatch.Stop();
        var rate = api.AcceptedEventCount / stopwatch.Elapsed.TotalSeconds;
        if (!quiet)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"baseline (one POST per event, {concurrency} concurrent): {api.AcceptedEventCount:N0} events delivered in {stopwatch.Elapsed.TotalSeconds:0.00} s = {rate:N0} events/s; {api.TotalRequests:N0} requests"));
        }

        return rate;
    }

    internal static ConversionEvent Event(string id, DateTimeOffset now) =>
        new(OaiqEvent.OrderCreated(Money.FromMinorUnits(7797, "USD"),
            [
                new Content { Id = "sku_1", Name = "Starter bundle", ContentType = "product", Quantity = 1, Amount = Money.FromMinorUnits(2599, "USD") },
                new Content { Id = "sku_2", Name = "Refill", ContentType = "product", Quantity = 2, Amount = Money.FromMinorUnits(2599, "USD") },
                new Content { Id = "sku_3", Name = "Gift wrap", ContentType = "service", Quantity = 1, Amount = Money.FromMinorUnits(0, "USD") },
            ]), id, now)
        {
            Oppref = "gAAAAABoppref-click-token_" + id,
            SourceUrl = "https://shop.example.com/checkout/confirmation",
            User = UserData.FromEmail(id + "@example.com").WithObref("123e4567-e89b-42d3-a456-426614174000").WithIpAddress("203.0.113.7").WithUserAgent("Mozilla/5.0 (load)"),
        };
}
