namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>
/// The support bundle (README "Support bundle"): the only shape it is written from. Each member is a version, a count,
/// a flag, an option's number or enum, a health status, or one of the API's own answers; there is no member an event,
/// a key, an <c>oppref</c>, an <c>obref</c> or any personal data could be put in, so the bundle is redacted by what it
/// can hold, not by what is removed.
/// </summary>
/// <param name="GeneratedAt">When it was made (UTC).</param>
/// <param name="Versions">The packages, runtime and OS.</param>
/// <param name="Configuration">The options, secrets only as set or not set.</param>
/// <param name="Health">The OaiqPixel health checks' results.</param>
/// <param name="Counts">What the server leg counted since start.</param>
/// <param name="Stores">Each durable store's counts (the outbox).</param>
/// <param name="RecentOutcomes">The latest Conversions API requests, newest first.</param>
internal sealed record SupportBundle(
    DateTimeOffset GeneratedAt,
    SupportBundleVersions Versions,
    SupportBundleConfiguration Configuration,
    IReadOnlyList<SupportBundleHealthEntry>? Health,
    SupportBundleCounts Counts,
    IReadOnlyList<SupportBundleStore> Stores,
    IReadOnlyList<SupportBundleOutcome> RecentOutcomes);
