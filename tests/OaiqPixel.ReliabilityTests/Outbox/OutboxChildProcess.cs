using System.Diagnostics;
using System.Globalization;
using OaiqPixel.Testing;

namespace OaiqPixel.ReliabilityTests.Outbox;

/// <summary>A real app process (<see cref="OutboxTarget"/>) with the transactional outbox, driven over loopback HTTP.</summary>
internal sealed class OutboxChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _client;

    private OutboxChildProcess(Process process, Uri address)
    {
        _process = process;
        _client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
    }

    public static async Task<OutboxChildProcess> StartAsync(FakeConversionsApi api, string provider, string connectionString, TimeSpan lease)
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
            Path.Combine(AppContext.BaseDirectory, "OaiqPixel.ReliabilityTests.dll"), "outbox-target", provider, connectionString,
            api.BaseAddress.ToString(), api.ApiKey, api.PixelId, ((int)lease.TotalSeconds).ToString(CultureInfo.InvariantCulture),
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
                throw new InvalidOperationException("The outbox child process ended early: " + await process.StandardError.ReadToEndAsync(timeout.Token));
            }

            if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
            {
                // Keep draining stderr so a chatty child never blocks on a full pipe.
                _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                return new OutboxChildProcess(process, new Uri(line["LISTENING ".Length..]));
            }
        }
    }

    /// <summary>Places orders <c>prefix{from}</c>…<c>prefix{from+count-1}</c> in one request; returns how many committed.</summary>
    public async Task<int> PlaceOrdersAsync(string prefix, int from, int count, bool rollback = false)
    {
        using var response = await _client.PostAsync(
            string.Create(CultureInfo.InvariantCulture, $"/orders?prefix={prefix}&from={from}&count={count}&rollback={(rollback ? "true" : "false")}"), null);
        response.EnsureSuccessStatusCode();
        return int.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Places <paramref name="total"/> orders in requests of <paramref name="perRequest"/>; returns how many committed.</summary>
    public async Task<int> PlaceManyOrdersAsync(string prefix, int total, int perRequest)
    {
        var committed = 0;
        for (var from = 0; from < total; from += perRequest)
        {
            committed += await PlaceOrdersAsync(prefix, from, Math.Min(perRequest, total - from));
        }

        return committed;
    }

    /// <summary>SIGKILL: no handler runs, nothing drains; waits for the exit.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
