using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// Trusted HTML (an already encoded script body) kept as UTF-8 bytes and decoded straight into the view's writer, so
/// rendering the pixel allocates one byte array of the script's size instead of a UTF-16 string twice as large.
/// </summary>
internal sealed class Utf8HtmlContent : IHtmlContent
{
    private const int ChunkChars = 1024;

    private readonly byte[] _utf8;

    public Utf8HtmlContent(ReadOnlySpan<byte> utf8) => _utf8 = utf8.ToArray();

    public void WriteTo(TextWriter writer, HtmlEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = ArrayPool<char>.Shared.Rent(ChunkChars);
        try
        {
            var bytes = _utf8.AsSpan();
            var completed = false;
            while (!completed)
            {
                decoder.Convert(bytes, chars, flush: true, out var used, out var written, out completed);
                writer.Write(chars, 0, written);
                bytes = bytes[used..];
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Encoding.UTF8.GetString(_utf8);
}
