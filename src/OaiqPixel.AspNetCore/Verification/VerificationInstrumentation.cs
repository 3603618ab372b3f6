using System.Diagnostics.Metrics;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Verification;

/// <summary>
/// The verification's metrics on the <see cref="OaiqTelemetry.MeterName"/> meter, in OpenTelemetry's conventions: gauges
/// of the latest comparison per pixel, leg and event type, and a counter of the stream's reads by outcome.
/// </summary>
internal sealed class VerificationInstrumentation
{
    /// <summary>The attribute naming the leg: <c>pixel</c> or <c>server</c>.</summary>
    public const string LegAttribute = "oaiq.verification.leg";

    /// <summary>The attribute naming the event type.</summary>
    public const string EventTypeAttribute = ConversionsApi.ConversionsApiInstrumentation.EventTypeAttribute;

    /// <summary>The attribute naming how a read of the stream went (<see cref="OaiqVerificationCheck"/>, snake case).</summary>
    public const string CheckAttribute = "oaiq.verification.check";

    private readonly Counter<long> _checks;
    private readonly PixelMetricTags _tags;
    private Func<IReadOnlyList<OaiqPixelVerification>>? _latest;

    public VerificationInstrumentation(IMeterFactory meterFactory, PixelMetricTags tags)
    {
        _tags = tags;
        var meter = meterFactory.Create(OaiqTelemetry.MeterName);
        _checks = meter.CreateCounter<long>("oaiq.verification.checks", "{check}", "Reads of OpenAI's events stream, by oaiq.verification.check.");
        meter.CreateObservableGauge("oaiq.verification.events.expected", () => Measure(static l => l.Expected), "{event}",
            "Events this app rendered (pixel leg) or delivered (server leg) in the window the latest check covered, by oaiq.pixel, oaiq.verification.leg and oaiq.event.type.");
        meter.CreateObservableGauge("oaiq.verification.events.arrived", () => Measure(static l => l.Arrived), "{event}",
            "Of those, the events OpenAI's events stream listed.");
        meter.CreateObservableGauge("oaiq.verification.legs.stopped", () => Measure(static l => l.Status == OaiqLegStatus.Stopped ? 1 : 0), "{leg}",
            "1 for a leg and event type none of whose recent events arrived (log 300), else 0.");
    }

    /// <summary>Sets the source of the gauges: the latest results.</summary>
    public void Observe(Func<IReadOnlyList<OaiqPixelVerification>> latest) => _latest = latest;

    public void Checked(OaiqVerificationCheck check) => _checks.Add(1, new KeyValuePair<string, object?>(CheckAttribute, CheckName(check)));

    public static string CheckName(OaiqVerificationCheck check) => check switch
    {
        OaiqVerificationCheck.Completed => "completed",
        OaiqVerificationCheck.NotAvailable => "not_available",
        OaiqVerificationCheck.Unauthorized => "unauthorized",
        OaiqVerificationCheck.Failed => "failed",
        _ => "pending",
    };

    public static string LegName(OaiqVerificationLeg leg) => leg == OaiqVerificationLeg.Pixel ? "pixel" : "server";

    private IEnumerable<Measurement<int>> Measure(Func<OaiqLegVerification, int> value) =>
        (_latest?.Invoke() ?? []).SelectMany(pixel => pixel.Legs.Select(leg => new Measurement<int>(
            value(leg),
            new KeyValuePair<string, object?>(ConversionsApiInstrumentation.PixelAttribute, _tags.Tag(pixel.PixelId)),
            new KeyValuePair<string, object?>(LegAttribute, LegName(leg.Leg)),
            new KeyValuePair<string, object?>(EventTypeAttribute, leg.EventType))));
}
