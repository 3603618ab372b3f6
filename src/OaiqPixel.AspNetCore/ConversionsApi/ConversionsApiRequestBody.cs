using System.Buffers;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The request body of <c>POST /v1/events</c> (spec §4.1): <c>{"validate_only":…,"integration_source"?:…,"events":[…]}</c>
/// around records that are already the events' JSON, copied as they are.
/// </summary>
internal static class ConversionsApiRequestBody
{
    /// <summary>Writes a body.</summary>
    /// <param name="output">Where the UTF-8 JSON goes.</param>
    /// <param name="records">1 to 1,000 records of one pixel.</param>
    /// <param name="validateOnly">The API validates without saving (<c>validate_only</c>).</param>
    /// <param name="integrationSource">A valid <c>integration_source</c> (see <see cref="IsValidIntegrationSource"/>), or <see langword="null"/>.</param>
    public static void Write(IBufferWriter<byte> output, IReadOnlyList<ConversionEventRecord> records, bool validateOnly, string? integrationSource)
    {
        Copy(output, validateOnly ? "{\"validate_only\":true"u8 : "{\"validate_only\":false"u8);
        if (integrationSource is not null)
        {
            // Validated ASCII letters, digits, '.', '_' and '-': its characters are its bytes and need no escaping.
            Copy(output, ",\"integration_source\":\""u8);
            var span = output.GetSpan(integrationSource.Length);
            for (var i = 0; i < integrationSource.Length; i++)
            {
                span[i] = (byte)integrationSource[i];
            }

            output.Advance(integrationSource.Length);
            Copy(output, "\""u8);
        }

        Copy(output, ",\"events\":["u8);
        for (var i = 0; i < records.Count; i++)
        {
            if (i > 0)
            {
                Copy(output, ","u8);
            }

            Copy(output, records[i].Json.Span);
        }

        Copy(output, "]}"u8);
    }

    /// <summary>Whether a value is a valid <c>integration_source</c> (spec §4.1): 1–64 ASCII characters, a letter or digit first, then letters, digits, <c>.</c>, <c>_</c> or <c>-</c>.</summary>
    public static bool IsValidIntegrationSource(string? value)
    {
        if (value is not { Length: > 0 and <= 64 } || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static void Copy(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
