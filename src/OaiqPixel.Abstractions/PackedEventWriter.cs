using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace OaiqPixel;

/// <summary>
/// A growable scratch buffer for <see cref="ConversionEventPacker"/>: variable-length integers, UTF-8 strings and raw
/// SHA-256 digests. One instance per thread is reused, so packing allocates only the final array.
/// </summary>
internal sealed class PackedEventWriter
{
    private byte[] _buffer = new byte[1024];
    private int _length;

    /// <summary>The buffer's size: an unusually large event grows it, and the caller may then let it go.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Empties the buffer.</summary>
    public void Reset() => _length = 0;

    /// <summary>Copies what was written into an array of exactly that length.</summary>
    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void WriteByte(byte value) => Advance(1)[0] = value;

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Advance(8), value);

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16LittleEndian(Advance(2), value);

    /// <summary>Seven bits per byte, low group first: a length under 128 costs one byte.</summary>
    public void WriteVarUInt(ulong value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        WriteByte((byte)value);
    }

    /// <summary>Writes a string as its UTF-8 byte length plus one (0 for <see langword="null"/>), then the bytes.</summary>
    /// <remarks>
    /// <para>
    /// A lone surrogate becomes U+FFFD, which is what the Conversions API body would have carried for it anyway: the
    /// JSON encoder replaces invalid UTF-16 the same way.
    /// </para>
    /// <para>
    /// One pass: the bytes are transcoded straight after room for the length, sized for the worst case (3 bytes per
    /// UTF-16 unit), and the length is filled in afterwards, in one byte or in a fixed two-byte form (a varint with a
    /// redundant continuation, which <see cref="PackedEventReader.ReadVarUInt"/> reads the same). Only strings of more
    /// than 5,461 characters are counted first.
    /// </para>
    /// </remarks>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteByte(0);
            return;
        }

        var worstCase = value.Length * 3;
        var prefix = worstCase + 1 < 0x80 ? 1 : worstCase + 1 < 0x4000 ? 2 : 0;
        if (prefix == 0)
        {
            var count = Encoding.UTF8.GetByteCount(value);
            WriteVarUInt((ulong)count + 1);
            Encoding.UTF8.GetBytes(value, Advance(count));
            return;
        }

        EnsureCapacity(prefix + worstCase);
        Utf8.FromUtf16(value, _buffer.AsSpan(_length + prefix, worstCase), out _, out var written, replaceInvalidSequences: true);
        var lengthPlusOne = written + 1;
        if (prefix == 1)
        {
            _buffer[_length] = (byte)lengthPlusOne;
        }
        else
        {
            _buffer[_length] = (byte)(lengthPlusOne | 0x80);
            _buffer[_length + 1] = (byte)(lengthPlusOne >> 7);
        }

        _length += prefix + written;
    }

    /// <summary>Writes raw bytes with their length first.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteVarUInt((ulong)value.Length);
        value.CopyTo(Advance(value.Length));
    }

    /// <summary>Writes a SHA-256 digest given as 64 lowercase hex digits (see <see cref="UserDataNormalizer.IsSha256Hex"/>) as its 32 bytes.</summary>
    public void WriteDigest(string hex) => Convert.FromHexString(hex, Advance(32), out _, out _);

    private void EnsureCapacity(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }
    }

    private Span<byte> Advance(int count)
    {
        EnsureCapacity(count);
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
