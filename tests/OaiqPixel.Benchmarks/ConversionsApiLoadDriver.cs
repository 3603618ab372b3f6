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
/// memory one queued event costs.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project tests/OaiqPixel.Benchmarks -- --load [batchedEvents] [perEventEvents] [concurrency]</c>
/// </remarks>
public static class ConversionsApiLoadDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var batchedEvents = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        var perEventEvents = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20_000;
        var concurrency = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 32;
        Console.WriteLine($"OaiqPixel Conversions API load driver: {Environment.ProcessorCount} CPU(s), .NET {Environment.Version}");

        await using var api = await FakeConversionsApi.StartAsync();

        // Warm up both paths (JIT, connections) before measuring.
        await MeasureBatchedAsync(api, 5_000, quiet: true);
        await MeasureOnePostPerEventAsync(api, 500, concurrency, quiet: true);

        await MeasureBatchedAsync(api, batchedEvents, quiet: false);
        await MeasureOnePostPerEventAsync(api, perEventEvents, concurrency, quiet: false);
        MeasureMemoryPerQueuedEvent(100_000);
        return 0;
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

    private static async Task MeasureBatchedAsync(FakeConversionsApi api, int count, bool quiet)
    {
        api.ClearRecordings();
        await using var provider = Build(api, 100_000);
        var sink = provider.GetRequiredService<IConversionEventSink>();
        var sender = provider.GetServices<IHostedService>().OfType<ConversionsApiSender>().Single();
        await sender.StartAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, count).Select(i => Event("b" + i.ToString(CultureInfo.InvariantCulture), now)).ToArray();

        var stopwatch = Stopwatch.StartNew();
        long refusals = 0;
        var enqueueTicks = 0L;
        foreach (var e in events)
        {
            var t0 = Stopwatch.GetTimestamp();
            while (!sink.TryEnqueue(e))
            {
                // Queue full: the producer outran the sender. Back off a little and count it.
                refusals++;
                Thread.Yield();
            }

            enqueueTicks += Stopwatch.GetTimestamp() - t0;
        }

        var enqueued = stopwatch.Elapsed;
        await api.WaitForEventsAsync(count, TimeSpan.FromMinutes(5));
        stopwatch.Stop();
        await sender.StopAsync(CancellationToken.None);
        if (!quiet)
        {
            var requests = api.TotalRequests;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batched (MaxBatchSize 1000): {count:N0} events in {stopwatch.Elapsed.TotalSeconds:0.00} s = {count / stopwatch.Elapsed.TotalSeconds:N0} events/s end to end; {requests:N0} requests; producer done after {enqueued.TotalSeconds:0.00} s; queue-full refusals {refusals:N0}; mean TryEnqueue incl. refusals {Stopwatch.GetElapsedTime(0, enqueueTicks).TotalNanoseconds / count:0} ns"));
        }
    }

    private static async Task MeasureOnePostPerEventAsync(FakeConversionsApi api, int count, int concurrency, bool quiet)
    {
        api.ClearRecordings();
        await using var provider = Build(api, 100_000);
        var client = provider.GetRequiredService<ITypedHttpClientFactory<ConversionsApiClient>>()
            .CreateClient(provider.GetRequiredService<IHttpClientFactory>().CreateClient(ConversionsApiClient.HttpClientName));
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, count).Select(i => Event("p" + i.ToString(CultureInfo.InvariantCulture), now)).ToArray();
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < events.Length)
            {
                var result = await client.SendAsync([events[i]], CancellationToken.None);
                if (result.Outcome != SendOutcome.Delivered)
                {
                    throw new InvalidOperationException($"POST failed: {result}");
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        stopwatch.Stop();
        if (!quiet)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"baseline (one POST per event, {concurrency} concurrent): {count:N0} events in {stopwatch.Elapsed.TotalSeconds:0.00} s = {count / stopwatch.Elapsed.TotalSeconds:N0} events/s; {api.TotalRequests:N0} requests"));
        }
    }

    private static void MeasureMemoryPerQueuedEvent(int count)
    {
        // The sender is never started: events stay queued.
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddOptions<OaiqTrackingOptions>().Configure(o =>
        {
            o.PixelId = "px_mem";
            o.ConversionsApi.ApiKey = "sk-svcacct-mem";
            o.ConversionsApi.MaxBatchSize = 1000;
            o.ConversionsApi.MaxQueueSize = count;
        });
        services.AddOaiqConversionsApi();
        using var provider = services.BuildServiceProvider();
        var sink = provider.GetRequiredService<IConversionEventSink>();
        var now = DateTimeOffset.UtcNow;
        sink.TryEnqueue(Event("warm", now));
        provider.GetRequiredService<ConversionEventQueue>().Reader.TryRead(out _);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var events = new ConversionEvent[count];
        for (var i = 0; i < count; i++)
        {
            events[i] = Event("m" + i.ToString(CultureInfo.InvariantCulture), now);
        }

        var created = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < count; i++)
        {
            sink.TryEnqueue(events[i]);
        }

        var arrayBytes = (long)IntPtr.Size * count + 24;
        var queued = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(events);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory: {count:N0} queued order_created events (3 items, user data, oppref): {(created - before - arrayBytes) / (double)count:N0} bytes per event object graph + {(queued - created) / (double)count:N1} bytes per event of queue overhead = {(queued - before - arrayBytes) / (double)count:N0} bytes per queued event"));
    }

    private static ConversionEvent Event(string id, DateTimeOffset now) =>
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
