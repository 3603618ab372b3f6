using System.Diagnostics.CodeAnalysis;

namespace OaiqPixel.AspNetCore.Configuration;

/// <summary>
/// The library's feature switches, the framework's way (as <c>InvariantGlobalization</c> or <c>EventSourceSupport</c>):
/// an app sets an MSBuild property, the package's <c>buildTransitive/OaiqPixel.AspNetCore.targets</c> turns it into a
/// <c>RuntimeHostConfigurationOption</c> (a <c>runtimeconfig.json</c> switch), and a trimmed or native AOT publish folds
/// the property below into a constant, so what only a disabled feature reaches is not linked. No property set: every
/// feature is on. A disabled feature the app configures anyway fails at start-up, naming the property
/// (<see cref="Validate"/>), rather than silently doing nothing.
/// </summary>
internal static class OaiqFeatureSwitches
{
    /// <summary>The switch of the server leg: the Conversions API's <c>HttpClient</c>, its resilience pipeline (Polly) and the hosted sender.</summary>
    public const string ConversionsApiSwitch = "OaiqPixel.ConversionsApi.IsSupported";

    /// <summary>The MSBuild property that turns the server leg off, as an app's project file would set it.</summary>
    public const string ConversionsApiProperty = "<OaiqConversionsApiSupport>false</OaiqConversionsApiSupport>";

    /// <summary>The switch of Data Protection for the Post/Redirect/Get carrier cookie (<c>__oaiq_carry</c>).</summary>
    public const string DataProtectionSwitch = "OaiqPixel.DataProtection.IsSupported";

    /// <summary>The MSBuild property that leaves the library's Data Protection out, as an app's project file would set it.</summary>
    public const string DataProtectionProperty = "<OaiqDataProtectionSupport>false</OaiqDataProtectionSupport>";

    /// <summary>Whether the server leg is linked in. Read from <see cref="AppContext"/> on each call (tests switch it); a constant once trimmed.</summary>
    [FeatureSwitchDefinition(ConversionsApiSwitch)]
    public static bool IsConversionsApiSupported => IsOn(ConversionsApiSwitch);

    /// <summary>Whether the library registers Data Protection and carries unrendered events across a redirect with it.</summary>
    [FeatureSwitchDefinition(DataProtectionSwitch)]
    public static bool IsDataProtectionSupported => IsOn(DataProtectionSwitch);

    /// <summary>Why the server leg is off when the app is built without it (the pipeline's off reason and log 100).</summary>
    public static string ConversionsApiOffReason => $"the app is built without it: {ConversionsApiProperty}";

    /// <summary>Adds a failure for each disabled feature the options configure: a Conversions API key without the server leg.</summary>
    public static void Validate(OaiqTrackingOptions options, OaiqOptionKeys keys, List<string> failures)
    {
        if (!IsConversionsApiSupported && options.HasAnyApiKey)
        {
            failures.Add(
                $"{keys.Key("ConversionsApi:ApiKey")} (or a pixel's ApiKey) is set, but the app is built without the Conversions API ({ConversionsApiProperty} in its project file), so nothing would be sent. Remove that property to send the server leg, or remove the key.");
        }
    }

    /// <summary>The exception a part of the server leg throws when asked for in an app built without it.</summary>
    public static InvalidOperationException ConversionsApiNotLinked(string what) => new(
        $"{what} needs the Conversions API, but the app is built without it ({ConversionsApiProperty} in its project file). Remove that property (or set it to true).");

    private static bool IsOn(string name) => !AppContext.TryGetSwitch(name, out var on) || on;
}
