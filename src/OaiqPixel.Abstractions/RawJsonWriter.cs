using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;

namespace OaiqPixel;

/// <summary>
/// Writes compact JSON as raw UTF-8 into a buffer, for the sender's hot path: the Conversions API body written from
/// packed events. Structure is the caller's job (fragments such as <c>,"type":"</c> are written as they are); string
/// values and property names are escaped exactly as <see cref="System.Text.Json.Utf8JsonWriter"/> escapes them with
/// <see cref="ConversionsApiSerializer.WriterOptions"/>, so the bytes equal what that writer produces.
/// </summary>
/// <remarks>
/// <see cref="System.Text.Json.Utf8JsonWriter"/> validates and scans every UTF-8 value through the encoder and keeps
/// its own structural state; with ~30 short values per event that per-call work is most of the body's cost. Here a
/// value made only of printable ASCII other than <c>"</c> and <c>\</c> (ids, URLs, user agents, hex digests: nearly
/// every value) is found with one vectorised search and copied; any other value goes through the same encoder the
/// writer uses, so the escaping rules live in one place.
/// </remarks>
internal ref struct RawJsonWriter
{
    // Printable ASCII that UnsafeRelaxedJsonEscaping leaves as it is: everything in 0x20-0x7E except '"' and '\'.
    private static readonly SearchValues<byte> s_verbatim = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Where(static b => b is not ('"' or '\\')).Select(static b => (byte)b)]);

    private const int MinChunk = 4096;

    // The longest escape the encoder writes for one input byte: a control byte becomes \u00XX (6 bytes).
    private const int MaxEscapedBytesPerByte = 6;

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _position;

    /// <summary>Starts writing into <paramref name="output"/>; call <see cref="Flush"/> when done.</summary>
    public RawJsonWriter(IBufferWriter<byte> output)
    {
        _output = output;
        _span = output.GetSpan(MinChunk);
        _position = 0;
    }

    /// <summary>Writes a fragment as it is (a pre-built piece of JSON).</summary>
    public void Raw(scoped ReadOnlySpan<byte> json)
    {
        Ensure(json.Length);
        json.CopyTo(_span[_position..]);
        _position += json.Length;
    }

    /// <summary>Writes one byte as it is (a brace, bracket or comma).</summary>
    public void Raw(byte json)
    {
        Ensure(1);
        _span[_position++] = json;
    }

    /// <summary>Writes a quoted, escaped string from its UTF-8 bytes.</summary>
    /// <exception cref="ArgumentException">The bytes are not valid UTF-8.</exception>
    public void String(scoped ReadOnlySpan<byte> utf8)
    {
        var verbatim = utf8.IndexOfAnyExcept(s_verbatim) < 0;
        Ensure((verbatim ? utf8.Length : checked(utf8.Length * MaxEscapedBytesPerByte)) + 2);
        _span[_position++] = (byte)'"';
        if (verbatim)
        {
            utf8.CopyTo(_span[_position..]);
            _position += utf8.Length;
        }
        else
        {
            var status = JavaScriptEncoder.UnsafeRelaxedJsonEscaping.EncodeUtf8(utf8, _span[_position..], out _, out var written);
            if (status != OperationStatus.Done)
            {
                throw new ArgumentException("A string value is not valid UTF-8.", nameof(utf8));
            }

            _position += written;
        }

        _span[_position++] = (byte)'"';
    }

    /// <summary>Writes a quoted, escaped property name followed by its colon.</summary>
    public void PropertyName(scoped ReadOnlySpan<byte> utf8)
    {
        String(utf8);
        Raw((byte)':');
    }

    /// <summary>Writes an integer as <see cref="System.Text.Json.Utf8JsonWriter"/> does (invariant digits).</summary>
    public void Number(long value)
    {
        Ensure(20);
        value.TryFormat(_span[_position..], out var written, default, CultureInfo.InvariantCulture);
        _position += written;
    }

    /// <summary>Writes bytes as a quoted string of lowercase hex digits (a SHA-256 digest on the wire).</summary>
    public void HexString(scoped ReadOnlySpan<byte> bytes)
    {
        Ensure((bytes.Length * 2) + 2);
        _span[_position++] = (byte)'"';
        Convert.TryToHexStringLower(bytes, _span[_position..], out var written);
        _position += written;
        _span[_position++] = (byte)'"';
    }

    /// <summary>Commits what was written to the output.</summary>
    public void Flush()
    {
        _output.Advance(_position);
        _span = default;
        _position = 0;
    }

    private void Ensure(int count)
    {
        if (_span.Length - _position >= count)
        {
            return;
        }

        _output.Advance(_position);
        _span = _output.GetSpan(Math.Max(count, MinChunk));
        _position = 0;
    }
}
