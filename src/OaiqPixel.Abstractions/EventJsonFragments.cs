using System.Text;

namespace OaiqPixel;

/// <summary>
/// The fixed pieces of one event name's Conversions API JSON, built once per name so the sender writes them as bytes
/// instead of looking names up and encoding them for every event.
/// </summary>
/// <param name="IsCustom">Whether the event is <c>custom</c> (it then carries <c>custom_event_name</c>).</param>
/// <param name="DataType">The data shape the event name requires.</param>
/// <param name="TypeAndTimestamp"><c>,"type":"order_created","timestamp_ms":</c>: what follows the id.</param>
/// <param name="DataAndType"><c>,"data":{"type":"contents"</c>: the opening of the data object.</param>
internal sealed record EventJsonFragments(bool IsCustom, EventDataType DataType, byte[] TypeAndTimestamp, byte[] DataAndType)
{
    /// <summary>Builds the fragments of one supported event name.</summary>
    /// <param name="eventName">One of <see cref="OaiqEventNames.All"/> (plain ASCII, so no escaping is needed).</param>
    public static EventJsonFragments For(string eventName)
    {
        if (!OaiqEventNames.TryGetDataType(eventName, out var dataType))
        {
            throw new ArgumentException($"'{eventName}' is not a supported event name.", nameof(eventName));
        }

        return new EventJsonFragments(
            eventName == OaiqEventNames.Custom,
            dataType,
            Encoding.UTF8.GetBytes($",\"type\":\"{eventName}\",\"timestamp_ms\":"),
            Encoding.UTF8.GetBytes($",\"data\":{{\"type\":\"{WireNames.Of(dataType)}\""));
    }
}
