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
            string Key(string property) => keys.Key(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Pixels:{i}:{property}"));

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

            if (pixel.IntegrationSource is not null && !ConversionsApi.ConversionsApiRequestBody.IsValidIntegrationSource(pixel.IntegrationSource))
            {
                failures.Add($"{Key("IntegrationSource")} must be 1-64 ASCII characters: a letter or digit, then letters, digits, '.', '_' or '-' (e.g. acme-shop.v2); remove it to use {keys.Key("ConversionsApi:IntegrationSource")}.");
            }
        }
    }
}
