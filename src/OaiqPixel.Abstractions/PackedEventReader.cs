using System.Buffers.Binary;
using System.Text;

namespace OaiqPixel;

/// <summary>Reads what <see cref="PackedEventWriter"/> wrote, in the same order.</summary>
/// <remarks>Packed events never leave the process, so a malformed one is a bug: it throws rather than guessing.</remarks>
internal ref struct PackedEventReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public PackedEventReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Whether every byte was read.</summary>
    public readonly bool AtEnd => _position == _data.Length;

    public byte ReadByte() => _data[_position++];

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public short ReadInt16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));

    public ulong ReadVarUInt()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("A packed event has a malformed length.");
    }

    public int ReadCount() => checked((int)ReadVarUInt());

    public string? ReadString()
    {
        var lengthPlusOne = ReadCount();
        return lengthPlusOne == 0 ? null : Encoding.UTF8.GetString(Take(lengthPlusOne - 1));
    }

    /// <summary>Reads a string's UTF-8 bytes without decoding them.</summary>
    /// <returns><see langword="false"/> when the string is <see langword="null"/>.</returns>
    public bool TryReadUtf8(out ReadOnlySpan<byte> value)
    {
        var lengthPlusOne = ReadCount();
        value = lengthPlusOne == 0 ? default : Take(lengthPlusOne - 1);
        return lengthPlusOne != 0;
    }

    /// <summary>Reads a required string's UTF-8 bytes without decoding them.</summary>
    public ReadOnlySpan<byte> ReadRequiredUtf8() =>
        TryReadUtf8(out var value) ? value : throw new InvalidDataException("A packed event lacks a required string.");

    /// <summary>Reads a digest's 32 bytes.</summary>
    public ReadOnlySpan<byte> ReadDigestBytes() => Take(32);

    public string ReadRequiredString() => ReadString() ?? throw new InvalidDataException("A packed event lacks a required string.");

    public ReadOnlySpan<byte> ReadBytes() => Take(ReadCount());

    /// <summary>Reads a 32-byte digest back as the 64 lowercase hex digits it was written from.</summary>
    public string ReadDigest() => Convert.ToHexStringLower(Take(32));

    private ReadOnlySpan<byte> Take(int count)
    {
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
