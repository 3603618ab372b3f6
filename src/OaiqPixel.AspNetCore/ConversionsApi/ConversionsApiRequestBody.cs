using System.Buffers;
using System.Text;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The request body of <c>POST /v1/events</c> (spec §4.1): <c>{"validate_only":…,"integration_source"?:…,"events":[…]}</c>
/// around records that are already the events' JSON, copied as they are.
/// </summary>
internal static class ConversionsApiRequestBody
{
    private static readonly SearchValues<char> IntegrationSourceCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>The most bytes a body of these records takes (the size of the buffer to give <see cref="Write"/>).</summary>
    public static int MaxLength(IReadOnlyList<ConversionEventRecord> records, string? integrationSource)
    {
        var length = 64 + (integrationSource?.Length ?? 0);
        for (var i = 0; i < records.Count; i++)
        {
            length += records[i].Json.Length + 1;
        }

        return length;
    }

    /// <summary>Writes a body.</summary>
    /// <param name="output">Where the UTF-8 JSON goes, at least <see cref="MaxLength"/> bytes.</param>
    /// <param name="records">1 to 1,000 records of one pixel.</param>
    /// <param name="validateOnly">The API validates without saving (<c>validate_only</c>).</param>
    /// <param name="integrationSource">A valid <c>integration_source</c> (see <see cref="IsValidIntegrationSource"/>), or <see langword="null"/>.</param>
    /// <returns>The bytes written.</returns>
    public static int Write(Span<byte> output, IReadOnlyList<ConversionEventRecord> records, bool validateOnly, string? integrationSource)
    {
        var at = Copy(output, 0, validateOnly ? "{\"validate_only\":true"u8 : "{\"validate_only\":false"u8);
        if (integrationSource is not null)
        {
            // Validated ASCII letters, digits, '.', '_' and '-': its characters are its bytes and need no escaping.
            at = Copy(output, at, ",\"integration_source\":\""u8);
            at += Encoding.ASCII.GetBytes(integrationSource, output[at..]);
            at = Copy(output, at, "\""u8);
        }

        at = Copy(output, at, ",\"events\":["u8);
        for (var i = 0; i < records.Count; i++)
        {
            if (i > 0)
            {
                at = Copy(output, at, ","u8);
            }

            at = Copy(output, at, records[i].Json.Span);
        }

        return Copy(output, at, "]}"u8);
    }

    /// <summary>Whether a value is a valid <c>integration_source</c> (spec §4.1): 1–64 ASCII characters, a letter or digit first, then letters, digits, <c>.</c>, <c>_</c> or <c>-</c>.</summary>
    public static bool IsValidIntegrationSource(string? value) =>
        value is { Length: > 0 and <= 64 } && char.IsAsciiLetterOrDigit(value[0]) && !value.AsSpan().ContainsAnyExcept(IntegrationSourceCharacters);

    private static int Copy(Span<byte> output, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output[at..]);
        return at + bytes.Length;
    }
}
