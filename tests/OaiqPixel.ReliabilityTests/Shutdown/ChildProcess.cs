using System.Diagnostics;
using System.Globalization;
using OaiqPixel.ReliabilityTests.Infrastructure;
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
        var (process, enqueued) = await TestAssemblyProcess.StartAsync(
            "ENQUEUED ", "kill-target", api.BaseAddress.ToString(), api.ApiKey, api.PixelId, count.ToString(CultureInfo.InvariantCulture), "500");
        return new ChildProcess(process, int.Parse(enqueued, CultureInfo.InvariantCulture));
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

    public ValueTask DisposeAsync() => TestAssemblyProcess.EndAsync(_process);
}
