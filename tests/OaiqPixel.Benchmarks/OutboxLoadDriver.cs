using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OaiqPixel;
using OaiqPixel.EntityFrameworkCore;
using OaiqPixel.Testing;
using OaiqPixel.TestSupport;

/// <summary>
/// <c>--outbox &lt;sqlite|postgres&gt; [events] [ordersPerRequest] [concurrency]</c>: durable events/s end to end. A web app
/// on loopback Kestrel takes orders (<c>POST /orders</c>, each order <c>Track</c>ed and committed with its conversion by
/// one <c>SaveChanges</c> per request) while its outbox dispatcher delivers them to a count-only fake Conversions API;
/// the rate is events over the time from the first order to the last acknowledgement (and the table emptied). Then the
/// rows and bytes one record costs, from a batch written with the dispatcher off. SQLite is a file in a temp folder (WAL);
/// PostgreSQL is a throw-away cluster of its own (fsync on), started and stopped by the driver.
/// </summary>
public static class OutboxLoadDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var provider = args.Length > 1 ? args[1] : "sqlite";
        var events = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000;
        var perRequest = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 100;
        var concurrency = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 4;
        var mode = args.Length > 5 ? args[5] : "outbox";
        if (provider is not ("sqlite" or "postgres") || mode is not ("outbox" or "memory" or "ceiling"))
        {
            Console.Error.WriteLine("usage: --outbox <sqlite|postgres> [events] [ordersPerRequest] [concurrency] [outbox|memory|ceiling]");
            return 2;
        }

        // memory: the same app and orders without the outbox (conversions go to the in-memory queue), the baseline.
        // ceiling: the outbox's two halves one after the other: the writes with the dispatcher off, then the dispatcher
        // draining what they wrote.
        var outbox = mode != "memory";
        Console.WriteLine($"OaiqPixel outbox load driver: {provider}, {events:N0} events, {perRequest} orders per request, {concurrency} concurrent, {(mode == "ceiling" ? "the outbox's write path alone, then its dispatcher alone" : outbox ? "through the outbox" : "WITHOUT the outbox (in-memory queue, the baseline)")}; {Environment.ProcessorCount} CPU(s), .NET {Environment.Version}{(provider == "sqlite" && SqliteTuning.Enabled ? "; SQLite with synchronous=NORMAL and busy_timeout (OAIQ_BENCH_SQLITE_TUNING=1)" : string.Empty)}; load average {LoadAverage()}");
        using var cluster = provider == "postgres" ? PostgresCluster.Start(durable: true) : null;
        var folder = provider == "sqlite" ? Directory.CreateTempSubdirectory("oaiq-outbox-load-").FullName : null;
        try
        {
            string NewDatabase(string name) => cluster?.CreateDatabase(name) ?? $"Data Source={Path.Combine(folder!, name + ".db")}";
            await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { CountOnly = true });

            // Warm-up (JIT, connections, the fake), then the measured run, each on a fresh database.
            await MeasureAsync(provider, NewDatabase("warmup"), api, Math.Min(events, 10_000), perRequest, concurrency, outbox, quiet: true);
            if (mode == "ceiling")
            {
                await MeasureHalvesAsync(provider, NewDatabase("run"), api, events, perRequest, concurrency);
                return 0;
            }

            await MeasureAsync(provider, NewDatabase("run"), api, events, perRequest, concurrency, outbox, quiet: false);
            if (outbox)
            {
                await MeasureSizeAsync(provider, NewDatabase("size"), api, Math.Min(events, 10_000), perRequest);
            }

            return 0;
        }
        finally
        {
            if (folder is not null)
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task MeasureAsync(string provider, string connectionString, FakeConversionsApi api, int events, int perRequest, int concurrency, bool outbox, bool quiet)
    {
        OutboxBenchShop.CreateSchema(provider, connectionString);
        api.ClearRecordings();
        await using var app = await StartAppAsync(provider, connectionString, api, dispatcher: true, outbox);
        using var client = new HttpClient { BaseAddress = app.Address };
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var committedAt = await PlaceAsync(client, events, perRequest, concurrency, stopwatch);
        await api.WaitForEventsAsync(events, TimeSpan.FromMinutes(10));
        var deliveredAt = stopwatch.Elapsed;
        await WaitUntilEmptyAsync(provider, connectionString);
        var emptiedAt = stopwatch.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (!quiet)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{provider}: {events:N0} orders committed with their conversions in {committedAt.TotalSeconds:0.00} s ({events / committedAt.TotalSeconds:N0}/s); all acknowledged by the API after {deliveredAt.TotalSeconds:0.00} s = {events / deliveredAt.TotalSeconds:N0} durable events/s end to end; outbox table empty after {emptiedAt.TotalSeconds:0.00} s ({events / emptiedAt.TotalSeconds:N0}/s); {api.TotalRequests:N0} API requests, {api.AcceptedEventCount - events:N0} resent; this process (app, dispatcher, fake) used {cpu.TotalMilliseconds * 1000 / events:0} µs of CPU per event ({cpu.TotalSeconds:0.0} s; the database server's own CPU not counted)"));
        }
    }

    /// <summary>
    /// The outbox's own ceiling: the orders and their records committed with no dispatcher running (the write path alone),
    /// then a dispatcher started on the full table, draining it to the fake (the delivery path alone).
    /// </summary>
    private static async Task MeasureHalvesAsync(string provider, string connectionString, FakeConversionsApi api, int events, int perRequest, int concurrency)
    {
        OutboxBenchShop.CreateSchema(provider, connectionString);
        api.ClearRecordings();
        var process = Process.GetCurrentProcess();
        TimeSpan committedAt;
        var cpu = process.TotalProcessorTime;
        await using (var app = await StartAppAsync(provider, connectionString, api, dispatcher: false, outbox: true))
        {
            using var client = new HttpClient { BaseAddress = app.Address };
            committedAt = await PlaceAsync(client, events, perRequest, concurrency, Stopwatch.StartNew());
        }

        process.Refresh();
        var writeCpu = process.TotalProcessorTime - cpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{provider} write path alone (dispatcher off): {events:N0} orders committed with their records in {committedAt.TotalSeconds:0.00} s ({events / committedAt.TotalSeconds:N0}/s); {writeCpu.TotalMilliseconds * 1000 / events:0} µs of CPU per event"));

        cpu = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        await using (var app = await StartAppAsync(provider, connectionString, api, dispatcher: true, outbox: true))
        {
            await api.WaitForEventsAsync(events, TimeSpan.FromMinutes(10));
            var deliveredAt = stopwatch.Elapsed;
            await WaitUntilEmptyAsync(provider, connectionString);
            process.Refresh();
            var drainCpu = process.TotalProcessorTime - cpu;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{provider} dispatcher alone: {events:N0} pre-written records acknowledged by the API after {deliveredAt.TotalSeconds:0.00} s ({events / deliveredAt.TotalSeconds:N0}/s, from the app's start); {api.TotalRequests:N0} API requests; {drainCpu.TotalMilliseconds * 1000 / events:0} µs of CPU per event"));
        }
    }

    /// <summary>Rows and bytes one record costs: a batch written with the dispatcher off, measured by the database.</summary>
    private static async Task MeasureSizeAsync(string provider, string connectionString, FakeConversionsApi api, int events, int perRequest)
    {
        OutboxBenchShop.CreateSchema(provider, connectionString);
        var before = TableBytes(provider, connectionString);
        await using (var app = await StartAppAsync(provider, connectionString, api, dispatcher: false, outbox: true))
        {
            using var client = new HttpClient { BaseAddress = app.Address };
            await PlaceAsync(client, events, perRequest, 1, Stopwatch.StartNew());
        }

        SqliteConnection.ClearAllPools();
        long rows;
        double json;
        using (var db = OutboxBenchShop.Create(provider, connectionString))
        {
            rows = db.Set<OaiqOutboxMessage>().LongCount();
            json = db.Set<OaiqOutboxMessage>().AsNoTracking().Select(m => m.Json.Length).Average();
        }

        var after = TableBytes(provider, connectionString);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{provider} size: {rows:N0} records for {events:N0} events = {(double)rows / events:0.##} row per event; the event's JSON {json:0} bytes; the table with its index {(after - before) / (double)rows:0} bytes per record on disk ({(after - before) / 1024.0 / 1024.0:0.0} MiB for {rows:N0})"));
    }

    /// <summary>
    /// The bytes the outbox table and its index take: PostgreSQL's own count (with TOAST); on SQLite (whose bundled
    /// build has no dbstat table) the file's pages before and after deleting the outbox's rows and vacuuming (so this
    /// empties the table: it is the last thing measured).
    /// </summary>
    private static long TableBytes(string provider, string connectionString)
    {
        using var db = OutboxBenchShop.Create(provider, connectionString);
        var connection = db.Database.GetDbConnection();
        connection.Open();
        if (provider == "postgres")
        {
            Execute(connection, "CHECKPOINT");
            return Scalar(connection, "SELECT pg_total_relation_size('oaiq_outbox')");
        }

        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        var with = Scalar(connection, "PRAGMA page_count") * Scalar(connection, "PRAGMA page_size");
        var rows = Scalar(connection, "SELECT COUNT(*) FROM oaiq_outbox");
        Execute(connection, "DELETE FROM oaiq_outbox; VACUUM");
        var without = Scalar(connection, "PRAGMA page_count") * Scalar(connection, "PRAGMA page_size");
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sqlite: the file is {with / 1024.0 / 1024.0:0.0} MiB with the outbox's {rows:N0} rows and {without / 1024.0 / 1024.0:0.0} MiB without them (the measured database is thrown away)"));
        return with - without;
    }

    private static void Execute(System.Data.Common.DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(System.Data.Common.DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static async Task<TimeSpan> PlaceAsync(HttpClient client, int events, int perRequest, int concurrency, Stopwatch stopwatch)
    {
        var next = -perRequest;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int from;
            while ((from = Interlocked.Add(ref next, perRequest)) < events)
            {
                var count = Math.Min(perRequest, events - from);
                using var response = await client.PostAsync(string.Create(CultureInfo.InvariantCulture, $"/orders?from={from}&count={count}"), null);
                response.EnsureSuccessStatusCode();
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return stopwatch.Elapsed;
    }

    private static async Task WaitUntilEmptyAsync(string provider, string connectionString)
    {
        using var db = OutboxBenchShop.Create(provider, connectionString);
        var deadline = Stopwatch.StartNew();
        while (await db.Set<OaiqOutboxMessage>().AnyAsync())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("The outbox table was not emptied within 5 minutes.");
            }

            await Task.Delay(10);
        }
    }

    private static async Task<LoadApp> StartAppAsync(string provider, string connectionString, FakeConversionsApi api, bool dispatcher, bool outbox)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(); // a writable source for UseUrls
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddDbContext<OutboxBenchShop>(o => OutboxBenchShop.Configure(o, provider, connectionString));
        var tracking = builder.Services.AddOaiqTracking(o =>
            {
                o.PixelId = api.PixelId;
                o.ConsentMode = OaiqPixel.AspNetCore.OaiqConsentMode.AlwaysGranted;
                o.ConversionsApi.ApiKey = api.ApiKey;
                o.ConversionsApi.BaseAddress = api.BaseAddress;
                o.ConversionsApi.MaxBatchSize = 1000;
            });
        if (outbox)
        {
            tracking.AddEntityFrameworkOutbox<OutboxBenchShop>(o =>
            {
                o.DispatcherEnabled = dispatcher;
                o.BatchSize = 1000;
            });
        }

        var app = builder.Build();
        app.UseOaiqTracking();
        var order = ConversionsApiLoadDriver.Event("template", DateTimeOffset.UtcNow).Event;
        app.MapPost("/orders", async (HttpContext context, OutboxBenchShop db, IConversionTracker tracker, int from, int count) =>
        {
            for (var i = from; i < from + count; i++)
            {
                var number = "order_" + i.ToString(CultureInfo.InvariantCulture);
                db.Orders.Add(new OutboxBenchOrder { Number = number, TotalMinor = 7797 });
                tracker.Track(order, number, UserData.FromEmail(number + "@example.com"));
            }

            await db.SaveChangesAsync(context.RequestAborted);
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoadApp(app, new Uri(address));
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private sealed class LoadApp(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
