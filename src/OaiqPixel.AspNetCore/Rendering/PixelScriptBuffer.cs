using System.Buffers;
using System.Text.Json;

namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// A per-thread buffer and the JSON writer (<see cref="PixelScriptWriter.JsonOptions"/>) that writes to it, reused by
/// every rendering on the thread (rendering is synchronous, so one thread never renders two pixels at once). An
/// unusually large buffer is not kept.
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
        Json = new Utf8JsonWriter(Buffer, PixelScriptWriter.JsonOptions);
    }

    public ArrayBufferWriter<byte> Buffer { get; }

    public Utf8JsonWriter Json { get; }

    /// <summary>Takes the thread's instance (empty), or a new one; hand it back with <see cref="Return"/>.</summary>
    public static PixelScriptBuffer Rent()
    {
        var cached = t_cached ?? new PixelScriptBuffer();
        t_cached = null;
        return cached;
    }

    /// <summary>Empties the buffer and keeps it for the thread's next rendering (unless it grew too large).</summary>
    public static void Return(PixelScriptBuffer buffer)
    {
        buffer.Json.Reset();
        if (buffer.Buffer.Capacity > MaxRetainedCapacity)
        {
            buffer.Json.Dispose();
            return;
        }

        buffer.Buffer.ResetWrittenCount();
        t_cached = buffer;
    }
}
