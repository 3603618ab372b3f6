using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/OaiqPixel.Benchmarks -- --filter '*'
// CI smoke run: -- --filter '*' --job dry --inProcess
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
