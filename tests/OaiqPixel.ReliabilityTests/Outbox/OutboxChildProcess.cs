using System.Diagnostics;
using System.Globalization;
using OaiqPixel.ReliabilityTests.Infrastructure;
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

    /// <summary>Starts the app with the outbox's default options.</summary>
    public static async Task<OutboxChildProcess> StartAsync(FakeConversionsApi api, string provider, string connectionString)
    {
        var (process, address) = await TestAssemblyProcess.StartAsync(
            "LISTENING ", "outbox-target", provider, connectionString, api.BaseAddress.ToString(), api.ApiKey, api.PixelId);
        return new OutboxChildProcess(process, new Uri(address));
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

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return TestAssemblyProcess.EndAsync(_process);
    }
}
