using System.Diagnostics;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>The names shared by the server leg's metrics and traces.</summary>
internal static class ConversionsApiTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> and the <see cref="ActivitySource"/>.</summary>
    public const string Name = "OaiqPixel";

    /// <summary>The span name of one Conversions API request.</summary>
    public const string SendActivityName = "oaiq.conversions_api.send";

    /// <summary>The source of one span per batch sent.</summary>
    public static readonly ActivitySource ActivitySource = new(Name, typeof(ConversionsApiTelemetry).Assembly.GetName().Version?.ToString());
}
