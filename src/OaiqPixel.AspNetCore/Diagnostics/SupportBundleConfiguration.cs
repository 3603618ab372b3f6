namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>
/// The options in the support bundle: flags, numbers (durations in milliseconds) and enum names only. A pixel id, a key,
/// an address or a callback is only said to be set or not: no string option's value has a place here.
/// </summary>
internal sealed record SupportBundleConfiguration
{
    public required bool Enabled { get; init; }

    public required bool PixelIdSet { get; init; }

    public required int Pixels { get; init; }

    public required int PixelsWithOwnApiKey { get; init; }

    public required bool PixelResolver { get; init; }

    public required bool ApiKeySet { get; init; }

    public required bool ServerLegOn { get; init; }

    public required string BrowserLeg { get; init; }

    public required string ConsentMode { get; init; }

    public required bool Debug { get; init; }

    public required bool AutoPageView { get; init; }

    public required bool SdkUrlIsDefault { get; init; }

    public required bool BaseAddressIsDefault { get; init; }

    public required bool ValidateOnly { get; init; }

    public required bool SendPageViews { get; init; }

    public required int MaxBatchSize { get; init; }

    public required double FlushIntervalMs { get; init; }

    public required int MaxQueueSize { get; init; }

    public required int MaxTotalQueueSize { get; init; }

    public required int MaxPixels { get; init; }

    public required double RequestTimeoutMs { get; init; }

    public required double TotalRequestTimeoutMs { get; init; }

    public required int MaxRetryAttempts { get; init; }

    public required double BackoffDelayMs { get; init; }

    public required double MaxBackoffDelayMs { get; init; }

    public required bool DeadLetterCallbackSet { get; init; }

    // The production verification (AddVerification()): whether it runs and with what; 0 for the numbers when not registered.
    public required bool VerificationRegistered { get; init; }

    public required bool VerificationAdsApiKeySet { get; init; }

    public required bool VerificationBaseAddressIsDefault { get; init; }

    public required double VerificationIntervalMs { get; init; }

    public required int VerificationMinimumEvents { get; init; }
}
