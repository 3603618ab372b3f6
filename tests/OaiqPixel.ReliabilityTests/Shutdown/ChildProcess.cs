using System.Diagnostics;
using System.Globalization;
using OaiqPixel.Testing;

namespace OaiqPixel.ReliabilityTests.Shutdown;

/// <summary>A real app process (<see cref="ChildProcessEntryPoint"/>) that enqueued events into its server leg.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process, int enqueued)
    {
        _process = process;
        Enqueued = enqueued;
    }

    public int Enqueued { get; }

    public static async Task<ChildProcess> StartAsync(FakeConversionsApi api, int count)
    {
        var dotnet = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "OaiqPixel.ReliabilityTests.dll"), "kill-target",
            api.BaseAddress.ToString(), api.ApiKey, api.PixelId, count.ToString(CultureInfo.InvariantCulture), "500",
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The child process did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException("The child process ended early: " + await process.StandardError.ReadToEndAsync(timeout.Token));
            }

            if (line.StartsWith("ENQUEUED ", StringComparison.Ordinal))
            {
                return new ChildProcess(process, int.Parse(line["ENQUEUED ".Length..], CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>Sends SIGTERM or SIGKILL and waits for the process to exit.</summary>
    public async Task<int> SignalAsync(string signal)
    {
        if (signal == "KILL")
        {
            _process.Kill(); // SIGKILL on Unix: no handler, no drain
        }
        else
        {
            using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
