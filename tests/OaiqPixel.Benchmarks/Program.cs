using System.Globalization;
using BenchmarkDotNet.Running;
using OaiqPixel.Testing;

// dotnet run -c Release --project tests/OaiqPixel.Benchmarks -- --filter '*'
// CI smoke run: -- --filter '*' --job dry --inProcess
// Conversions API load driver: -- --load [batchedEvents] [perEventEvents] [concurrency] [rounds]
// Memory of 100,000 queued events: -- --memory [count]
// Blazor pages (issue 21), bytes per page and fastest rounds on a loaded machine: -- --blazor-pages [rounds]
// Track's extra time over an empty call on a loaded machine (fastest rounds): -- --track-min [rounds]
// Transactional outbox, durable events/s end to end and bytes per record: -- --outbox <sqlite|postgres> [events] [ordersPerRequest] [concurrency]
// Count-only fake Conversions API for the wrk load test: -- --fake-api <port>  (runs until stdin closes or Ctrl+C)
if (args.Length > 0 && args[0] == "--load")
{
    return await ConversionsApiLoadDriver.RunAsync(args);
}

if (args.Length > 0 && args[0] == "--outbox")
{
    return await OutboxLoadDriver.RunAsync(args);
}

if (args.Length > 0 && args[0] == "--track-min")
{
    return TrackMinDriver.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200);
}

if (args.Length > 0 && args[0] == "--blazor-pages")
{
    return BlazorPageDriver.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20);
}

if (args.Length > 0 && args[0] == "--memory")
{
    return QueueMemoryDriver.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000);
}

if (args.Length > 1 && args[0] == "--fake-api")
{
    await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions
    {
        CountOnly = true,
        Port = int.Parse(args[1], CultureInfo.InvariantCulture),
    });
    Console.WriteLine($"fake Conversions API listening on {api.BaseAddress} (pixel {api.PixelId}, key {api.ApiKey})");
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
        // Stopping.
    }

    Console.WriteLine($"fake Conversions API: {api.AcceptedEventCount} events accepted in {api.TotalRequests} requests");
    return 0;
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();

// A benchmark that throws or fails validation must fail the run (the CI smoke run relies on the exit code).
var failed = summaries.Where(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success) || s.Reports.IsEmpty).ToList();
foreach (var summary in failed)
{
    Console.Error.WriteLine($"benchmark run failed: {summary.Title}");
}

return failed.Count == 0 ? 0 : 1;
