using Microsoft.Extensions.Logging;
using OaiqPixel.EntityFrameworkCore.Dispatching;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>What every request's <see cref="OutboxRequestSession"/> works with (singletons).</summary>
internal sealed class OutboxSessionServices(
    OutboxRouting routing,
    OutboxWriter writer,
    OutboxSignal signal,
    OutboxInstrumentation metrics,
    TimeProvider time,
    ILogger<OutboxRequestSession> logger)
{
    public OutboxRouting Routing { get; } = routing;

    public OutboxWriter Writer { get; } = writer;

    public OutboxSignal Signal { get; } = signal;

    public OutboxInstrumentation Metrics { get; } = metrics;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;
}
