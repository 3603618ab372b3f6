using System.Text;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Rendering;

namespace OaiqPixel.AspNetCore.Tests.Serialization;

/// <summary>The library's two wire writers, called the way the server leg calls them, for assertions on their output.</summary>
internal static class Wire
{
    public const string PixelId = "px_wire";

    /// <summary>One event's Conversions API JSON: its record.</summary>
    public static string Event(ConversionEvent e) => Encoding.UTF8.GetString(ConversionEventRecord.Create(e, PixelId).Json.Span);

    /// <summary>The <c>measure</c> call of one event as script: <c>oaiq("measure","order_created",{…},{"event_id":"order_42"});</c> and a newline.</summary>
    public static string MeasureCall(ConversionEvent e) => Call(PixelScriptWriter.MeasureArguments(e));

    /// <summary>A call's arguments (an event's, a carried call) as script, as <see cref="PixelScriptWriter.WriteCall"/> writes it.</summary>
    public static string Call(ReadOnlySpan<byte> arguments)
    {
        using var writer = new StringWriter();
        PixelScriptWriter.WriteCall(writer, arguments);
        return writer.ToString();
    }

    /// <summary>A whole request body around the events' records.</summary>
    public static byte[] Batch(IReadOnlyList<ConversionEvent> events, bool validateOnly = false, string? integrationSource = null)
    {
        var records = events.Select(e => ConversionEventRecord.Create(e, PixelId)).ToArray();
        var body = new byte[ConversionsApiRequestBody.MaxLength(records, integrationSource)];
        return body[..ConversionsApiRequestBody.Write(body, records, validateOnly, integrationSource)];
    }

    /// <summary>A whole request body as text.</summary>
    public static string BatchText(IReadOnlyList<ConversionEvent> events) => Encoding.UTF8.GetString(Batch(events));
}
