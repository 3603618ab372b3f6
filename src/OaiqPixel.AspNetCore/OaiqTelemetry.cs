namespace OaiqPixel.AspNetCore;

/// <summary>The names to subscribe to OaiqPixel's telemetry, e.g. with OpenTelemetry:
/// <c>.WithMetrics(m =&gt; m.AddMeter(OaiqTelemetry.MeterName)).WithTracing(t =&gt; t.AddSource(OaiqTelemetry.ActivitySourceName))</c>.</summary>
public static class OaiqTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of the server leg's instruments (<c>oaiq.events.*</c>, <c>oaiq.batches</c>, <c>oaiq.send.duration</c>, <c>oaiq.queue.length</c>; README "Logging and metrics").</summary>
    public const string MeterName = "OaiqPixel";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of the <c>oaiq.conversions_api.send</c> spans, one per Conversions API request.</summary>
    public const string ActivitySourceName = "OaiqPixel";
}
