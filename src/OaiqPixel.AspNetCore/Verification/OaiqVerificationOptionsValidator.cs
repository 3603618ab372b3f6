using System.Globalization;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Configuration;

namespace OaiqPixel.AspNetCore.Verification;

/// <summary>Checks <see cref="OaiqVerificationOptions"/> at start-up, naming the setting to fix where the app sets it (<see cref="OaiqOptionKeys"/>).</summary>
internal sealed class OaiqVerificationOptionsValidator(IServiceProvider services) : IValidateOptions<OaiqVerificationOptions>
{
    public ValidateOptionsResult Validate(string? name, OaiqVerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.BaseAddress is not { IsAbsoluteUri: true, Scheme: "https" or "http" })
        {
            errors.Add($"{Key(services, "BaseAddress")} must be an absolute http(s) address, e.g. https://api.ads.openai.com/; it is {Shown(options.BaseAddress)}.");
        }

        if (options.Interval < OaiqVerificationOptions.MinimumInterval)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Key(services, "Interval")} (how often OpenAI's events stream is read) must be at least {OaiqVerificationOptions.MinimumInterval:c}; it is {options.Interval:c}."));
        }

        if (options.MinimumEvents is < 1 or > 1000)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Key(services, "MinimumEvents")} (events none of which arrived before a leg counts as stopped) must be between 1 and 1000; it is {options.MinimumEvents}."));
        }

        // A blank key is no key (the check stays off, log 305); a pasted one with a line break would fail every request.
        if (!string.IsNullOrWhiteSpace(options.AdsApiKey) && (options.AdsApiKey.Any(char.IsControl) || options.AdsApiKey.Trim().Length != options.AdsApiKey.Length))
        {
            errors.Add($"{Key(services, "AdsApiKey")} must be the Ads API key without spaces or line breaks (its value is not shown).");
        }

        else if (!string.IsNullOrWhiteSpace(options.AdsApiKey) && IsAConversionsApiKey(options.AdsApiKey))
        {
            // The stream refuses a Conversions API key (401, spec §4.10): said at start-up instead of after a first Interval.
            errors.Add($"{Key(services, "AdsApiKey")} is a Conversions API key: the events stream needs the ad account's Ads API key (Ads Manager, Settings, API keys), which is not the conversion key the server leg sends with (its value is not shown).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private bool IsAConversionsApiKey(string key)
    {
        if (services.GetService(typeof(IOptionsMonitor<OaiqTrackingOptions>)) is not IOptionsMonitor<OaiqTrackingOptions> monitor)
        {
            return false;
        }

        OaiqTrackingOptions tracking;
        try
        {
            tracking = monitor.CurrentValue;
        }
        catch (OptionsValidationException)
        {
            // The tracking options' own validation reports them; this check needs none of them.
            return false;
        }

        if (string.Equals(tracking.ConversionsApi.ApiKey, key, StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var pixel in tracking.Pixels)
        {
            if (string.Equals(pixel?.ApiKey, key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What the message shows of a base address: its scheme, host and port only. Its user info, path or query may carry
    /// a credential or a token, and a start-up failure is logged and shown.
    /// </summary>
    private static string Shown(Uri? address) =>
        address is null ? "not set"
        : !address.IsAbsoluteUri ? "a relative address"
        : $"'{address.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped)}' (its path and query not shown)";

    /// <summary>
    /// A setting's name where the app sets it: <c>Oaiq:Verification:AdsApiKey</c> under the section tracking is bound from,
    /// or <c>OaiqVerificationOptions.AdsApiKey</c> when the tracking options come from code only.
    /// </summary>
    public static string Key(IServiceProvider? services, string name)
    {
        var key = OaiqOptionKeys.Resolve(services).Key(OaiqVerificationOptions.SectionName + ":" + name);
        return key.StartsWith(nameof(OaiqTrackingOptions) + ".", StringComparison.Ordinal) ? nameof(OaiqVerificationOptions) + "." + name : key;
    }
}
