using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.Cookies;

/// <summary>The carrier's logs of an app built without Data Protection (ids 90–99).</summary>
internal static partial class CarrierLog
{
    [LoggerMessage(EventId = 90, EventName = "CarrierNotLinked", Level = LogLevel.Warning,
        Message = "The browser leg of {Count} pixel call(s) was dropped: this response rendered no pixel (a redirect, a JSON answer), and the carrier cookie that takes them to the next page needs Data Protection, which the app is built without (" + Configuration.OaiqFeatureSwitches.DataProtectionProperty + " in its project file). Remove that property to carry them, or render the pixel on this response. Their server leg is unaffected.")]
    public static partial void CarrierNotLinked(ILogger logger, int count);
}
