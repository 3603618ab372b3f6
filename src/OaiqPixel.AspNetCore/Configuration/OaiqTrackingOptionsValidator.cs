using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;

namespace OaiqPixel.AspNetCore.Configuration;

/// <summary>
/// Validates <see cref="OaiqTrackingOptions"/> at start-up with messages that say what to set, naming each setting where
/// the app sets it (<see cref="OaiqOptionKeys"/>): its own settings while tracking is enabled, and the
/// <c>ConversionsApi</c> section's (<see cref="ConversionsApiOptionsValidator"/>) always. The one validator of these options.
/// A missing <c>PixelId</c> passes (tracking is off; <see cref="TrackingStartupCheck"/> warns); a malformed one fails.
/// </summary>
internal sealed class OaiqTrackingOptionsValidator : IValidateOptions<OaiqTrackingOptions>
{
    private static readonly TimeSpan s_maxCookieAge = TimeSpan.FromDays(400);

    private readonly IServiceProvider? _services;

    /// <summary>Names settings under the default <c>Oaiq</c> section.</summary>
    public OaiqTrackingOptionsValidator()
    {
    }

    /// <summary>Names settings where this app's <c>AddOaiqTracking</c> call takes them from.</summary>
    public OaiqTrackingOptionsValidator(IServiceProvider services)
    {
        _services = services;
    }

    public ValidateOptionsResult Validate(string? name, OaiqTrackingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var keys = OaiqOptionKeys.Resolve(_services);
        List<string> failures = [];
        ConversionsApiOptionsValidator.Validate(options.ConversionsApi, keys, failures);
        if (!options.Enabled)
        {
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        // A missing PixelId is not a failure: tracking is off, and TrackingStartupCheck warns once (log 70). A site must
        // not go down because a staging or CI environment has no tracking secrets; a value that is there but malformed is a
        // mistake to fix, so it stops the start-up.
        if (!string.IsNullOrWhiteSpace(options.PixelId)
            && (options.PixelId.Length > 128 || options.PixelId.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            failures.Add($"{keys.Key("PixelId")} must be the Pixel ID from Ads Manager: at most 128 characters, without spaces or control characters.");
        }

        if (!PixelScriptWriter.IsSdkUrl(options.SdkUrl))
        {
            failures.Add(
                $"{keys.Key("SdkUrl")} must be an absolute http(s) URL or a root-relative path such as /_oaiq/sdk.js. Remove it to use the official {OaiqTrackingOptions.DefaultSdkUrl}.");
        }

        var cookie = options.OpprefCookie;
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
}
