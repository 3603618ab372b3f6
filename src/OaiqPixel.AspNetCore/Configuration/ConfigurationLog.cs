using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.Configuration;

/// <summary>
/// Start-up messages about the configuration and the runtime it meets. Event ids 70–79 are part of the contract (README
/// "Logging"): never renumber. No message carries a key or personal data.
/// </summary>
internal static partial class ConfigurationLog
{
    [LoggerMessage(EventId = 70, EventName = "TrackingUnconfigured", Level = LogLevel.Warning,
        Message = "OpenAI Ads tracking is off: {PixelIdKey} is not set, so no pixel renders and no event is sent. Set it to the Pixel ID from Ads Manager ({WhereToSet}), or set {EnabledKey} to false to switch tracking off without this warning.")]
    public static partial void TrackingUnconfigured(ILogger logger, string pixelIdKey, string whereToSet, string enabledKey);

    [LoggerMessage(EventId = 71, EventName = "UnicodeNormalizationUnavailable", Level = LogLevel.Warning,
        Message = "This app runs in globalization-invariant mode (InvariantGlobalization=true, which the native AOT templates set), where .NET cannot apply Unicode NFC. UserData applies NFC to emails, names and external ids before hashing them (spec §9 #12), so a value in decomposed form (e followed by U+0301 rather than é) is hashed as it is and will not match the digest of the same value in composed form. Set <InvariantGlobalization>false</InvariantGlobalization> in the project file (on Linux the app then needs the ICU libraries, e.g. libicu) to hash every value the same way.")]
    public static partial void UnicodeNormalizationUnavailable(ILogger logger);

    [LoggerMessage(EventId = 72, EventName = "KeyRingNotShared", Level = LogLevel.Warning,
        Message = "Data Protection keys are {Where}. The Post/Redirect/Get carrier (cookie __oaiq_carry) and the Blazor visitor context are protected with them: behind a load balancer, or after a restart, the next page cannot read what another instance (or the previous process) wrote, so a conversion posted there and redirected loses its browser leg (its server leg is unaffected). Keep the key ring where every instance reads it, e.g. services.AddDataProtection().PersistKeysToFileSystem(<a volume every instance mounts>) or PersistKeysToDbContext<TContext>(), with SetApplicationName(\"<your app>\"): README \"Running on several instances\".")]
    public static partial void KeyRingNotShared(ILogger logger, string where);
}
