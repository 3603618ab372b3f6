using System.Globalization;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>Checks the <c>Oaiq:ConversionsApi</c> settings at start-up, with messages that say what to set.</summary>
internal sealed class ConversionsApiOptionsValidator : IValidateOptions<OaiqTrackingOptions>
{
    private const string Section = "Oaiq:ConversionsApi:";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, OaiqTrackingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var api = options.ConversionsApi;
        if (api is null)
        {
            return ValidateOptionsResult.Fail($"{Section[..^1]} must not be null; remove the override or set its values.");
        }

        var failures = new List<string>();
        if (api.MaxBatchSize is < 1 or > ConversionsApiOptions.MaxEventsPerRequest)
        {
            failures.Add(Format($"{Section}MaxBatchSize must be between 1 and {ConversionsApiOptions.MaxEventsPerRequest} (the API's limit per request); it is {api.MaxBatchSize}."));
        }

        if (api.MaxQueueSize < Math.Max(1, api.MaxBatchSize))
        {
            failures.Add(Format($"{Section}MaxQueueSize must be at least MaxBatchSize ({api.MaxBatchSize}); it is {api.MaxQueueSize}."));
        }

        Positive(failures, nameof(api.FlushInterval), api.FlushInterval);
        Positive(failures, nameof(api.ShutdownTimeout), api.ShutdownTimeout);
        Positive(failures, nameof(api.RequestTimeout), api.RequestTimeout);
        Positive(failures, nameof(api.TotalRequestTimeout), api.TotalRequestTimeout);
        Positive(failures, nameof(api.RetryDelay), api.RetryDelay);
        Positive(failures, nameof(api.MaxRetryDelay), api.MaxRetryDelay);
        Positive(failures, nameof(api.BackoffDelay), api.BackoffDelay);
        Positive(failures, nameof(api.MaxBackoffDelay), api.MaxBackoffDelay);
        if (api.TotalRequestTimeout <= api.RequestTimeout && api.RequestTimeout > TimeSpan.Zero)
        {
            failures.Add(Format($"{Section}TotalRequestTimeout ({api.TotalRequestTimeout}) must be longer than RequestTimeout ({api.RequestTimeout}), so a timed-out attempt can be retried."));
        }

        if (api.MaxRetryDelay < api.RetryDelay)
        {
            failures.Add(Format($"{Section}MaxRetryDelay ({api.MaxRetryDelay}) must be at least RetryDelay ({api.RetryDelay})."));
        }

        if (api.MaxBackoffDelay < api.BackoffDelay)
        {
            failures.Add(Format($"{Section}MaxBackoffDelay ({api.MaxBackoffDelay}) must be at least BackoffDelay ({api.BackoffDelay})."));
        }

        if (api.MaxRetryAttempts is < 1 or > 100)
        {
            failures.Add(Format($"{Section}MaxRetryAttempts must be between 1 and 100; it is {api.MaxRetryAttempts}."));
        }

        if (api.BaseAddress is not { IsAbsoluteUri: true } baseAddress)
        {
            failures.Add($"{Section}BaseAddress must be an absolute URL such as {ConversionsApiOptions.DefaultBaseAddress}.");
        }
        else if (!(baseAddress.Scheme == Uri.UriSchemeHttps || (baseAddress.Scheme == Uri.UriSchemeHttp && baseAddress.IsLoopback)))
        {
            failures.Add($"{Section}BaseAddress must use https (http is allowed for a loopback sandbox only), such as {ConversionsApiOptions.DefaultBaseAddress}; the key travels in every request.");
        }
        else if (!string.IsNullOrEmpty(baseAddress.Query) || !string.IsNullOrEmpty(baseAddress.Fragment))
        {
            failures.Add($"{Section}BaseAddress must be an origin (optionally with a path) without query or fragment, such as {ConversionsApiOptions.DefaultBaseAddress}.");
        }

        if (api.IntegrationSource is not null && !ConversionsApiRequestBody.IsValidIntegrationSource(api.IntegrationSource))
        {
            failures.Add($"{Section}IntegrationSource must be 1-64 ASCII characters: a letter or digit, then letters, digits, '.', '_' or '-' (e.g. acme-shop.v2); leave it unset if you are not a partner integration.");
        }

        if (options.Enabled && api.IsEnabled && string.IsNullOrWhiteSpace(options.PixelId))
        {
            failures.Add("Oaiq:PixelId is required when Oaiq:ConversionsApi:ApiKey is set: the Conversions API needs the pixel's id as pid. Copy it from Ads Manager (conversions tab).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string property, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add(Format($"{Section}{property} must be positive (e.g. 00:00:05); it is {value}."));
        }
    }

    private static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
