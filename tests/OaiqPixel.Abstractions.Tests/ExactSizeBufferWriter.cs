using System.Buffers;

namespace OaiqPixel.Tests;

/// <summary>
/// An output that hands out exactly the space asked for, never more, so a writer that reserves space fragment by
/// fragment has to move to a new span many times within one body.
/// </summary>
internal sealed class ExactSizeBufferWriter : IBufferWriter<byte>
{
    private readonly MemoryStream _written = new();
    private byte[] _current = [];

    public int Requests { get; private set; }

    public byte[] WrittenBytes => _written.ToArray();

    public void Advance(int count) => _written.Write(_current, 0, count);

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Requests++;
        _current = new byte[Math.Max(sizeHint, 1)];
        return _current;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
