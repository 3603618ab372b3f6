using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Internal;

/// <summary>Validates <see cref="OaiqTrackingOptions"/> at start-up with messages that say what to set.</summary>
internal sealed class OaiqTrackingOptionsValidator : IValidateOptions<OaiqTrackingOptions>
{
    private static readonly TimeSpan s_maxCookieAge = TimeSpan.FromDays(400);

    public ValidateOptionsResult Validate(string? name, OaiqTrackingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        List<string>? failures = null;
        if (string.IsNullOrWhiteSpace(options.PixelId))
        {
            (failures ??= []).Add(
                "Oaiq:PixelId is required. Set it to the Pixel ID from Ads Manager (appsettings.json: \"Oaiq\": { \"PixelId\": \"…\" }, or the environment variable Oaiq__PixelId), or set Oaiq:Enabled to false to switch tracking off.");
        }
        else if (options.PixelId.Length > 128 || options.PixelId.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            (failures ??= []).Add("Oaiq:PixelId must be the Pixel ID from Ads Manager: at most 128 characters, without spaces or control characters.");
        }

        if (!PixelScriptWriter.IsSdkUrl(options.SdkUrl))
        {
            (failures ??= []).Add(
                $"Oaiq:SdkUrl must be an absolute http(s) URL or a root-relative path such as /_oaiq/sdk.js. Remove it to use the official {OaiqTrackingOptions.DefaultSdkUrl}.");
        }

        var cookie = options.OpprefCookie;
        if (cookie is null)
        {
            (failures ??= []).Add("Oaiq:OpprefCookie must not be null; remove the assignment to use the defaults.");
        }
        else
        {
            if (cookie.MaxAge < TimeSpan.FromSeconds(1) || cookie.MaxAge > s_maxCookieAge)
            {
                (failures ??= []).Add("Oaiq:OpprefCookie:MaxAge must be between 1 second and 400 days (browsers cap cookies at 400 days); the default is 30.00:00:00.");
            }

            if (cookie.Domain is { } domain && (string.IsNullOrWhiteSpace(domain) || !Cookies.IsCookieValue(domain.Trim()) || domain.Contains('=', StringComparison.Ordinal)))
            {
                (failures ??= []).Add("Oaiq:OpprefCookie:Domain must be a host name such as example.com, or be left unset for a host-only cookie.");
            }
        }

        if (options.ServerViews is null)
        {
            (failures ??= []).Add("Oaiq:ServerViews must not be null; remove the assignment to use the defaults.");
        }

        if (options.ConversionsApi is null)
        {
            (failures ??= []).Add("Oaiq:ConversionsApi must not be null; remove the assignment to use the defaults.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
