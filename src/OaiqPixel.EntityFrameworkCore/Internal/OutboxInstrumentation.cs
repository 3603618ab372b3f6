using System.Diagnostics.Metrics;
using OaiqPixel.AspNetCore;
using OaiqPixel.EntityFrameworkCore.Dispatching;

namespace OaiqPixel.EntityFrameworkCore.Internal;

/// <summary>
/// The outbox's metrics, on the <see cref="OaiqTelemetry.MeterName"/> meter beside the server leg's own: how records
/// were written, what became of them, and what the last count of the table was (kept by <see cref="OutboxStatus"/>).
/// </summary>
internal sealed class OutboxInstrumentation
{
    /// <summary>The attribute saying how a record was written (<see cref="WriteWithTransaction"/>, <see cref="WriteOnItsOwn"/>, <see cref="WriteAtOnce"/>).</summary>
    public const string WriteAttribute = "oaiq.outbox.write";

    /// <summary>The attribute saying why a record was dropped (<c>stale</c>, <c>invalid</c>, <c>rolled_back</c>).</summary>
    public const string ReasonAttribute = "oaiq.outbox.reason";

    /// <summary>Committed by the app's own <c>SaveChanges</c> or transaction.</summary>
    public const string WriteWithTransaction = "transaction";

    /// <summary>Written on its own once the request's endpoint ran: no <c>SaveChanges</c> of the app carried it.</summary>
    public const string WriteOnItsOwn = "own";

    /// <summary>Written in the background: handed to <see cref="IConversionEventSink"/> directly, or recorded after its request's endpoint ran.</summary>
    public const string WriteAtOnce = "at_once";

    private readonly Counter<long> _written;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _reclaimed;

    public OutboxInstrumentation(IMeterFactory meterFactory, OutboxStatus status)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(OaiqTelemetry.MeterName);
        _written = meter.CreateCounter<long>("oaiq.outbox.written", "{record}", "Records written to the outbox table, by oaiq.outbox.write.");
        _dropped = meter.CreateCounter<long>("oaiq.outbox.dropped", "{record}", "Records not written or deleted undelivered, by oaiq.outbox.reason.");
        _fallbacks = meter.CreateCounter<long>("oaiq.outbox.fallbacks", "{event}", "Events handed to the in-memory queue because the database refused the outbox write.");
        _delivered = meter.CreateCounter<long>("oaiq.outbox.delivered", "{record}", "Records the Conversions API accepted (then deleted).");
        _deadLettered = meter.CreateCounter<long>("oaiq.outbox.dead_lettered", "{record}", "Records the Conversions API refused on their own (kept as dead letters).");
        _reclaimed = meter.CreateCounter<long>("oaiq.outbox.reclaimed", "{record}", "Records taken over after another dispatcher's lease expired (they may be delivered twice, with the same id).");
        meter.CreateObservableGauge("oaiq.outbox.pending", () => status.Read(0).Pending ?? 0, "{record}", "Records waiting in the outbox table at the last count.");
        meter.CreateObservableGauge("oaiq.outbox.dead_letters", () => status.Read(0).DeadLetters ?? 0, "{record}", "Dead letters kept in the outbox table at the last count.");
    }

    public void Written(int count, string how) => _written.Add(count, new KeyValuePair<string, object?>(WriteAttribute, how));

    public void Dropped(int count, string reason) => _dropped.Add(count, new KeyValuePair<string, object?>(ReasonAttribute, reason));

    public void FellBack() => _fallbacks.Add(1);

    public void Delivered(int count) => _delivered.Add(count);

    public void DeadLettered(int count) => _deadLettered.Add(count);

    public void Reclaimed(int count) => _reclaimed.Add(count);
}
