namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>One OaiqPixel health check's result in the support bundle: its status, not its description (which names pixels and quotes errors).</summary>
/// <param name="Name">The registration's name, e.g. <c>oaiq_conversions_api</c>.</param>
/// <param name="Status"><c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>.</param>
/// <param name="DurationMs">How long the check took, in milliseconds.</param>
/// <param name="Exception">The type name of the exception the check threw, if any (never its message).</param>
internal sealed record SupportBundleHealthEntry(string Name, string Status, double DurationMs, string? Exception);
