using Polly.Telemetry;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// Keeps Polly's telemetry for the Conversions API client quiet on success. Polly logs every attempt of every request
/// (category <c>Polly</c>, "Execution attempt") at Information, which with the templates' log levels is one line per
/// batch sent; for this client's pipelines an attempt that needs no retry is Debug instead. A retried failure stays a
/// Warning (and the sender's own logs 112–116 say what failed). Other pipelines of the app keep their levels.
/// </summary>
internal static class ResilienceLogLevels
{
    /// <summary>Polly's event for one attempt (Information when not handled, Warning when handled: retried).</summary>
    private const string ExecutionAttempt = "ExecutionAttempt";

    /// <summary>The pipelines of the Conversions API client are named after it: <c>OaiqPixel.ConversionsApi-standard</c>.</summary>
    private const string PipelinePrefix = ConversionsApiOptions.HttpClientName + "-";

    /// <summary>Wraps the app's severity provider (if any): the Conversions API client's unhandled attempts become Debug.</summary>
    public static void QuietSuccessfulAttempts(TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var appProvider = options.SeverityProvider;
        options.SeverityProvider = args =>
        {
            var severity = appProvider?.Invoke(args) ?? args.Event.Severity;
            return severity == ResilienceEventSeverity.Information
                && string.Equals(args.Event.EventName, ExecutionAttempt, StringComparison.Ordinal)
                && args.Source.PipelineName?.StartsWith(PipelinePrefix, StringComparison.Ordinal) == true
                    ? ResilienceEventSeverity.Debug
                    : severity;
        };
    }
}
