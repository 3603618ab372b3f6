using System.Diagnostics;

namespace OaiqPixel.ReliabilityTests.Infrastructure;

/// <summary>
/// Starts this test assembly as a real app process (<c>dotnet OaiqPixel.ReliabilityTests.dll &lt;target&gt; …</c>, see
/// <see cref="Shutdown.ChildProcessEntryPoint"/>), with the workstation GC as a small app would run, and waits for the line
/// it prints once it is ready.
/// </summary>
internal static class TestAssemblyProcess
{
    /// <summary>Starts the child and reads its standard output until a line starts with <paramref name="readyPrefix"/>.</summary>
    /// <param name="readyPrefix">The start of the ready line, e.g. <c>"LISTENING "</c>.</param>
    /// <param name="args">The target's name, then its arguments.</param>
    /// <returns>The running process (its standard error drained in the background) and the rest of the ready line.</returns>
    /// <exception cref="InvalidOperationException">The child ended before it was ready (with what it wrote to standard error).</exception>
    /// <exception cref="OperationCanceledException">It was not ready within 60 seconds.</exception>
    public static async Task<(Process Process, string Ready)> StartAsync(string readyPrefix, params string[] args)
    {
        var dotnet = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OaiqPixel.ReliabilityTests.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"The {args[0]} child process did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException($"The {args[0]} child process ended early: " + await process.StandardError.ReadToEndAsync(timeout.Token));
            }

            if (line.StartsWith(readyPrefix, StringComparison.Ordinal))
            {
                // Keep draining stderr so a chatty child never blocks on a full pipe.
                _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                return (process, line[readyPrefix.Length..]);
            }
        }
    }

    /// <summary>Kills the child if it still runs (SIGKILL: no handler, no drain), waits for its exit, and disposes it.</summary>
    public static async ValueTask EndAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
