using System.Globalization;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Configuration;

/// <summary>
/// The rules of <see cref="ConversionsApiOptions"/>, checked at start-up by <see cref="OaiqTrackingOptionsValidator"/> with
/// messages that say what to set, naming each setting where the app sets it (<see cref="OaiqOptionKeys"/>). A missing
/// <c>PixelId</c> is not a failure of either (tracking is off; <see cref="TrackingStartupCheck"/> warns once).
/// </summary>
internal static class ConversionsApiOptionsValidator
{
    /// <summary>The path the client appends to <see cref="ConversionsApiOptions.BaseAddress"/> (see <see cref="ConversionsApiClient.BuildEventsUri"/>).</summary>
    private static readonly string[] s_appendedPaths = ["/v1/events", "/v1"];

    /// <summary>Adds what is wrong with <paramref name="api"/> to <paramref name="failures"/>.</summary>
    public static void Validate(ConversionsApiOptions? api, OaiqOptionKeys keys, List<string> failures)
    {
        string Key(string property) => keys.Key("ConversionsApi:" + property);

        if (api is null)
        {
            failures.Add($"{keys.Key("ConversionsApi")} must not be null; remove the assignment to use the defaults.");
            return;
        }

        if (api.MaxBatchSize is < 1 or > ConversionsApiOptions.MaxEventsPerRequest)
        {
            failures.Add(Format($"{Key("MaxBatchSize")} must be between 1 and {ConversionsApiOptions.MaxEventsPerRequest} (the API's limit per request); it is {api.MaxBatchSize}."));
        }

        if (api.MaxQueueSize < Math.Max(1, api.MaxBatchSize))
        {
            failures.Add(Format($"{Key("MaxQueueSize")} must be at least MaxBatchSize ({api.MaxBatchSize}); it is {api.MaxQueueSize}."));
        }

        if (api.MaxTotalQueueSize < api.MaxQueueSize)
        {
            failures.Add(Format($"{Key("MaxTotalQueueSize")} must be at least MaxQueueSize ({api.MaxQueueSize}), the queue of one pixel; it is {api.MaxTotalQueueSize}."));
        }

        if (api.MaxPixels < 1)
        {
            failures.Add(Format($"{Key("MaxPixels")} must be at least 1; it is {api.MaxPixels}."));
        }

        Positive(failures, Key(nameof(api.PixelIdleTimeout)), api.PixelIdleTimeout);
        Positive(failures, Key(nameof(api.FlushInterval)), api.FlushInterval);
        Positive(failures, Key(nameof(api.ShutdownTimeout)), api.ShutdownTimeout);
        Positive(failures, Key(nameof(api.RequestTimeout)), api.RequestTimeout);
        Positive(failures, Key(nameof(api.TotalRequestTimeout)), api.TotalRequestTimeout);
        Positive(failures, Key(nameof(api.RetryDelay)), api.RetryDelay);
        Positive(failures, Key(nameof(api.MaxRetryDelay)), api.MaxRetryDelay);
        Positive(failures, Key(nameof(api.BackoffDelay)), api.BackoffDelay);
        Positive(failures, Key(nameof(api.MaxBackoffDelay)), api.MaxBackoffDelay);
        if (api.TotalRequestTimeout <= api.RequestTimeout && api.RequestTimeout > TimeSpan.Zero)
        {
            failures.Add(Format($"{Key("TotalRequestTimeout")} ({api.TotalRequestTimeout}) must be longer than RequestTimeout ({api.RequestTimeout}), so a timed-out attempt can be retried."));
        }

        if (api.MaxRetryDelay < api.RetryDelay)
        {
            failures.Add(Format($"{Key("MaxRetryDelay")} ({api.MaxRetryDelay}) must be at least RetryDelay ({api.RetryDelay})."));
        }

        if (api.MaxBackoffDelay < api.BackoffDelay)
        {
            failures.Add(Format($"{Key("MaxBackoffDelay")} ({api.MaxBackoffDelay}) must be at least BackoffDelay ({api.BackoffDelay})."));
        }

        if (api.MaxRetryAttempts is < 1 or > 100)
        {
            failures.Add(Format($"{Key("MaxRetryAttempts")} must be between 1 and 100; it is {api.MaxRetryAttempts}."));
        }

        if (api.BaseAddress is not { IsAbsoluteUri: true } baseAddress)
        {
            failures.Add($"{Key("BaseAddress")} must be an absolute URL such as {ConversionsApiOptions.DefaultBaseAddress}.");
        }
        else if (!(baseAddress.Scheme == Uri.UriSchemeHttps || (baseAddress.Scheme == Uri.UriSchemeHttp && baseAddress.IsLoopback)))
        {
            failures.Add($"{Key("BaseAddress")} must use https (http is allowed for a loopback sandbox only), such as {ConversionsApiOptions.DefaultBaseAddress}; the key travels in every request.");
        }
        else if (!string.IsNullOrEmpty(baseAddress.Query) || !string.IsNullOrEmpty(baseAddress.Fragment))
        {
            failures.Add($"{Key("BaseAddress")} must be an origin (optionally with a path) without query or fragment, such as {ConversionsApiOptions.DefaultBaseAddress}.");
        }
        else if (AppendedPathIn(baseAddress) is { } appended)
        {
            var wouldPost = ConversionsApiClient.BuildEventsUri(baseAddress, null).GetLeftPart(UriPartial.Path);
            failures.Add($"{Key("BaseAddress")} is the API origin, e.g. {ConversionsApiOptions.DefaultBaseAddress}; the library appends v1/events. It is {baseAddress}, which would post to {wouldPost}: remove {appended} from it.");
        }

        if (api.IntegrationSource is not null && !ConversionsApiRequestBody.IsValidIntegrationSource(api.IntegrationSource))
        {
            failures.Add($"{Key("IntegrationSource")} must be 1-64 ASCII characters: a letter or digit, then letters, digits, '.', '_' or '-' (e.g. acme-shop.v2); leave it unset if you are not a partner integration.");
        }

    }

    /// <summary>The part of the base address's path the client appends anyway (<c>/v1/events</c> or <c>/v1</c>, any case, with or without a trailing slash), or <see langword="null"/>.</summary>
    private static string? AppendedPathIn(Uri baseAddress)
    {
        var path = baseAddress.AbsolutePath.AsSpan().TrimEnd('/');
        foreach (var appended in s_appendedPaths)
        {
            if (path.EndsWith(appended, StringComparison.OrdinalIgnoreCase))
            {
                return path[^appended.Length..].ToString();
            }
        }

        return null;
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add(Format($"{key} must be positive (e.g. 00:00:05); it is {value}."));
        }
    }

    private static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
