using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/OaiqPixel.Benchmarks -- --filter '*'
// CI smoke run: -- --filter '*' --job dry --inProcess
// Conversions API load driver: -- --load [batchedEvents] [perEventEvents] [concurrency]
if (args.Length > 0 && args[0] == "--load")
{
    return await ConversionsApiLoadDriver.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
