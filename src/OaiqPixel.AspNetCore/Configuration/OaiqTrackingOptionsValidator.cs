using System.Globalization;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;

namespace OaiqPixel.AspNetCore.Configuration;

/// <summary>
/// Validates <see cref="OaiqTrackingOptions"/> at start-up with messages that say what to set, naming each setting where
/// the app sets it (<see cref="OaiqOptionKeys"/>): its own settings while tracking is enabled, and the
/// <c>ConversionsApi</c> section's always. The one validator of these options.
/// A missing <c>PixelId</c> passes (tracking is off; <see cref="TrackingStartupCheck"/> warns); a malformed one fails.
/// </summary>
/// <param name="services">The app's services, to name settings where its <c>AddOaiqTracking</c> call takes them from; without them, under the default <c>Oaiq</c> section.</param>
internal sealed class OaiqTrackingOptionsValidator(IServiceProvider? services = null) : IValidateOptions<OaiqTrackingOptions>
{
    private static readonly TimeSpan s_maxCookieAge = TimeSpan.FromDays(400);

    /// <summary>The path the client appends to <see cref="ConversionsApiOptions.BaseAddress"/> (see <see cref="ConversionsApiClient.BuildEventsUri"/>).</summary>
    private static readonly string[] s_appendedPaths = ["/v1/events", "/v1"];

    public ValidateOptionsResult Validate(string? name, OaiqTrackingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var keys = OaiqOptionKeys.Resolve(services);
        List<string> failures = [];
        ValidateConversionsApi(options.ConversionsApi, keys, failures);
        OaiqFeatureSwitches.Validate(options, keys, failures);
        if (!options.Enabled)
        {
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        // A missing PixelId is not a failure: tracking is off, and TrackingStartupCheck warns once (log 70). A site must
        // not go down because a staging or CI environment has no tracking secrets; a value that is there but malformed is a
        // mistake to fix, so it stops the start-up.
        if (!string.IsNullOrWhiteSpace(options.PixelId) && !OaiqPixelOptions.IsValidPixelId(options.PixelId.Trim()))
        {
            failures.Add($"{keys.Key("PixelId")} must be the Pixel ID from Ads Manager: at most 128 characters, without spaces or control characters.");
        }

        ValidatePixels(options, keys, failures);

        if (!PixelScriptWriter.IsSdkUrl(options.SdkUrl))
        {
            failures.Add(
                $"{keys.Key("SdkUrl")} must be an absolute http(s) URL or a root-relative path such as /_oaiq/sdk.js. Remove it to use the official {OaiqTrackingOptions.DefaultSdkUrl}.");
        }

        var cookie = options.OpprefCookie;
        if (!Enum.IsDefined(options.BrowserLeg))
        {
            failures.Add($"{keys.Key("BrowserLeg")} must be Pixel, DataLayer or Both.");
        }

        if (cookie is null)
        {
            failures.Add($"{keys.Key("OpprefCookie")} must not be null; remove the assignment to use the defaults.");
        }
        else
        {
            if (cookie.MaxAge < TimeSpan.FromSeconds(1) || cookie.MaxAge > s_maxCookieAge)
            {
                failures.Add($"{keys.Key("OpprefCookie:MaxAge")} must be between 1 second and 400 days (browsers cap cookies at 400 days); the default is 30.00:00:00.");
            }

            if (CookieDomains.Check(cookie.Domain, keys.Key("OpprefCookie:Domain"), out _) is { } domainProblem)
            {
                failures.Add(domainProblem);
            }
        }

        if (options.ServerViews is null)
        {
            failures.Add($"{keys.Key("ServerViews")} must not be null; remove the assignment to use the defaults.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Each item of <c>Pixels</c>, named by its index (<c>Oaiq:Pixels:1:PixelId</c>): an id, once, and usable settings (spec §1.7, §4.1).</summary>
    private static void ValidatePixels(OaiqTrackingOptions options, OaiqOptionKeys keys, List<string> failures)
    {
        if (options.Pixels is null)
        {
            failures.Add($"{keys.Key("Pixels")} must not be null; remove the assignment to use the defaults.");
            return;
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(options.PixelId))
        {
            seen[options.PixelId.Trim()] = keys.Key("PixelId");
        }

        for (var i = 0; i < options.Pixels.Count; i++)
        {
            string Key(string property) => keys.Key(Format($"Pixels:{i}:{property}"));

            var pixel = options.Pixels[i];
            if (pixel is null)
            {
                failures.Add($"{Key("PixelId")} must be set: each item of {keys.Key("Pixels")} is a pixel with its PixelId (and, for the server leg, its ApiKey).");
                continue;
            }

            var id = pixel.PixelId?.Trim();
            if (string.IsNullOrEmpty(id))
            {
                failures.Add($"{Key("PixelId")} must be set to the Pixel ID from Ads Manager; remove the item if the pixel is not used.");
            }
            else if (!OaiqPixelOptions.IsValidPixelId(id))
            {
                failures.Add($"{Key("PixelId")} must be the Pixel ID from Ads Manager: at most 128 characters, without spaces or control characters.");
            }
            else if (seen.TryGetValue(id, out var first))
            {
                failures.Add($"{Key("PixelId")} repeats the pixel of {first}: each pixel may be configured once (one init and one copy of each event per pixel, spec §1.7).");
            }
            else
            {
                seen[id] = Key("PixelId");
            }

            if (pixel.ApiKey is not null && string.IsNullOrWhiteSpace(pixel.ApiKey))
            {
                failures.Add($"{Key("ApiKey")} is blank: set this pixel's conversion key, or remove it to use {keys.Key("ConversionsApi:ApiKey")}.");
            }

            if (pixel.IntegrationSource is not null && !ConversionsApiRequestBody.IsValidIntegrationSource(pixel.IntegrationSource))
            {
                failures.Add($"{Key("IntegrationSource")} must be 1-64 ASCII characters: a letter or digit, then letters, digits, '.', '_' or '-' (e.g. acme-shop.v2); remove it to use {keys.Key("ConversionsApi:IntegrationSource")}.");
            }
        }
    }

    /// <summary>The rules of <see cref="ConversionsApiOptions"/>, checked whether tracking is enabled or not.</summary>
    private static void ValidateConversionsApi(ConversionsApiOptions? api, OaiqOptionKeys keys, List<string> failures)
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

        if (api.MaxDeadLetters < 0)
        {
            failures.Add(Format($"{Key("MaxDeadLetters")} must be 0 (keep none) or more; it is {api.MaxDeadLetters}."));
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
        else if (!string.IsNullOrEmpty(baseAddress.Query) || !string.IsNullOrEmpty(baseAddress.Fragment) || !string.IsNullOrEmpty(baseAddress.UserInfo))
        {
            // Not echoed: a query or user info may hold a credential, and log 114 and this message show the address.
            failures.Add($"{Key("BaseAddress")} must be an origin (optionally with a path) without user info, query or fragment, such as {ConversionsApiOptions.DefaultBaseAddress}; the API key goes in {Key("ApiKey")}.");
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
        var path = baseAddress.AbsolutePath.TrimEnd('/');
        return s_appendedPaths.FirstOrDefault(appended => path.EndsWith(appended, StringComparison.OrdinalIgnoreCase)) is { } found
            ? path[^found.Length..]
            : null;
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
