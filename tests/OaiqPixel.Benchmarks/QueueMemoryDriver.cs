using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OaiqPixel;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// <c>--memory [count]</c>: the heap a queue of <c>count</c> waiting events holds (the sender never starts, as in an
/// outage), for three kinds of event, beside the size of the object graph a caller builds for the same event.
/// </summary>
/// <remarks>
/// Each event is built, enqueued and forgotten, as a request does; what is left on the heap after a full collection is
/// what the queue keeps.
/// </remarks>
public static class QueueMemoryDriver
{
    // A Fernet token (what oppref values look like) is at least 100 characters; a desktop Chrome user agent about 110.
    private const string ChromeUserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    public static int Run(int count)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory: {count:N0} queued events of each kind, {Environment.ProcessorCount} CPU(s), .NET {Environment.Version}"));
        var now = DateTimeOffset.UtcNow;
        Measure(count, "order_created, 3 items, e-mail digest, short oppref/UA (the --load event)", i => ConversionsApiLoadDriver.Event("m" + i.ToString(CultureInfo.InvariantCulture), now));
        Measure(count, "order_created, 3 items, e-mail + phone digests, generated id, a distinct 100-char oppref, obref and IP per visitor, Chrome UA", i => HeavyOrder(i, now));
        Measure(count, "page_viewed as the tracker builds it (generated id, a distinct 100-char oppref, obref and IP per visitor, Chrome UA)", i => PageView(i, now));
        return 0;
    }

    private static void Measure(int count, string kind, Func<int, ConversionEvent> create)
    {
        // The object graph the caller builds (what an unpacked queue would keep alive).
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var kept = new ConversionEvent[count];
        for (var i = 0; i < count; i++)
        {
            kept[i] = create(i);
        }

        var graph = (GC.GetTotalMemory(forceFullCollection: true) - before - ((long)IntPtr.Size * count)) / (double)count;
        GC.KeepAlive(kept);
        kept = null;

        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddOptions<OaiqTrackingOptions>().Configure(o =>
        {
            o.PixelId = "px_mem";
            o.ConversionsApi.ApiKey = "sk-svcacct-mem";
            o.ConversionsApi.MaxQueueSize = count;
        });
        services.AddOaiqConversionsApi();
        using var provider = services.BuildServiceProvider();
        var sink = provider.GetRequiredService<IConversionEventSink>();
        var queue = provider.GetRequiredService<ConversionEventQueue>();
        sink.TryEnqueue(create(-1));
        queue.TryTake(out _);

        before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < count; i++)
        {
            if (!sink.TryEnqueue(create(i)))
            {
                throw new InvalidOperationException($"Event {i} was refused.");
            }
        }

        queue.CompactBacklog(); // finish what the background compaction started during the loop: what an outage leaves
        var queued = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(queue);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory: {kind}: the queue holds {queued / (double)count:N0} B per event = {queued / 1e6:0.0} MB for {count:N0} once compacted (the caller's object graph: {graph:N0} B per event)"));
    }

    private static ConversionEvent HeavyOrder(int i, DateTimeOffset now) =>
        new(OaiqEvent.OrderCreated(Money.FromMinorUnits(7797, "USD"),
            [
                new Content { Id = "sku_1042", Name = "Starter bundle", ContentType = "product", Quantity = 1, Amount = Money.FromMinorUnits(2599, "USD") },
                new Content { Id = "sku_2210", Name = "Refill pack", ContentType = "product", Quantity = 2, Amount = Money.FromMinorUnits(2599, "USD") },
                new Content { Id = "svc_gift", Name = "Gift wrap", ContentType = "service", Quantity = 1, Amount = Money.FromMinorUnits(0, "USD") },
            ]), EventIds.New(), now)
        {
            // Every visitor has their own click, browser reference and address: nothing per-visitor repeats across the queue.
            Oppref = VisitorOppref(i),
            SourceUrl = "https://shop.example.com/checkout/confirmation/" + i.ToString(CultureInfo.InvariantCulture),
            User = UserData.FromEmail($"customer{i}@example.com").WithPhoneNumber("+1415555" + (1000 + (i % 9000)).ToString(CultureInfo.InvariantCulture))
                .WithObref(new Guid(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))[..16]).ToString())
                .WithIpAddress(new System.Net.IPAddress(BitConverter.GetBytes(0x0A000000 + i)).ToString()).WithUserAgent(ChromeUserAgent),
        };

    /// <summary>A Fernet-shaped token of 100 characters, different for every visitor.</summary>
    private static string VisitorOppref(int i)
    {
        var bytes = new byte[73];
        System.Security.Cryptography.SHA512.HashData(BitConverter.GetBytes(i)).CopyTo(bytes, 9);
        bytes[0] = 0x80;
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }

    private static ConversionEvent PageView(int i, DateTimeOffset now) =>
        new(OaiqEvent.PageViewed(), EventIds.New(), now)
        {
            Oppref = VisitorOppref(i),
            SourceUrl = "https://shop.example.com/products/sku-" + i.ToString(CultureInfo.InvariantCulture),
            User = UserData.Empty.WithObref(new Guid(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))[..16]).ToString())
                .WithIpAddress(new System.Net.IPAddress(BitConverter.GetBytes(0x0A000000 + i)).ToString()).WithUserAgent(ChromeUserAgent),
        };
}
