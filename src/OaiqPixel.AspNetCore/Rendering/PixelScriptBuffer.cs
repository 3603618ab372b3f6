using System.Buffers;

namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// A per-thread <see cref="PixelScriptWriter"/> and the buffer it writes to, reused by every rendering on the thread
/// (rendering is synchronous, so one thread never renders two pixels at once). An unusually large script's buffer is
/// not kept.
/// </summary>
internal sealed class PixelScriptBuffer
{
    private const int InitialCapacity = 2048;
    private const int MaxRetainedCapacity = 64 * 1024;

    [ThreadStatic]
    private static PixelScriptBuffer? t_cached;

    private PixelScriptBuffer()
    {
        Buffer = new ArrayBufferWriter<byte>(InitialCapacity);
        Writer = new PixelScriptWriter(Buffer);
    }

    public ArrayBufferWriter<byte> Buffer { get; }

    public PixelScriptWriter Writer { get; }

    /// <summary>Takes the thread's instance (empty), or a new one; hand it back with <see cref="Return"/>.</summary>
    public static PixelScriptBuffer Rent()
    {
        var cached = t_cached;
        if (cached is null)
        {
            return new PixelScriptBuffer();
        }

        t_cached = null;
        return cached;
    }

    /// <summary>Empties the buffer and keeps it for the thread's next rendering (unless it grew too large).</summary>
    public static void Return(PixelScriptBuffer buffer)
    {
        if (buffer.Buffer.Capacity > MaxRetainedCapacity)
        {
            buffer.Writer.Dispose();
            return;
        }

        buffer.Buffer.ResetWrittenCount();
        t_cached = buffer;
    }
}
