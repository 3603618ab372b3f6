using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore;

namespace OaiqPixel.Sandbox;

/// <summary>
/// On shutdown, holds the host for a moment, before Kestrel stops, until every queued Conversions API event has been
/// sent, so events recorded just before Ctrl+C still reach the sandbox. Only the sandbox needs this: it is the app
/// itself, and Kestrel stops before the sender's own shutdown drain runs. Against the real API that drain delivers them.
/// Pending events are counted from the library's public metrics (oaiq.events.enqueued − sent − dropped).
/// </summary>
internal sealed class SandboxDrainOnStop(IOptions<OaiqTrackingOptions> options) : IHostedLifecycleService, IDisposable
{
    private readonly MeterListener _listener = new();
    private long _pending;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Meter.Name == OaiqTelemetry.MeterName && instrument.Name is "oaiq.events.enqueued" or "oaiq.events.sent" or "oaiq.events.dropped")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            Interlocked.Add(ref _pending, instrument.Name == "oaiq.events.enqueued" ? value : -value));
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.Value.ConversionsApi.FlushInterval + TimeSpan.FromSeconds(2);
        while (Interlocked.Read(ref _pending) > 0 && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
