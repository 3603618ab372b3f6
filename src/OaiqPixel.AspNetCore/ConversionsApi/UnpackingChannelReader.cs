using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// <see cref="ConversionEventQueue"/> seen as events: the queue holds packed events (<see cref="ConversionEventPacker"/>),
/// and this view rebuilds each one as it is read. For diagnostics and tests; the sender takes the packed bytes
/// (<see cref="ConversionEventQueue.TryTake"/>) and writes the request body from them.
/// </summary>
internal sealed class UnpackingChannelReader : ChannelReader<ConversionEvent>
{
    private readonly ChannelReader<byte[]> _packed;
    private readonly Action _taken;

    /// <param name="packed">The channel of packed events.</param>
    /// <param name="taken">Called for every event read (not peeked).</param>
    public UnpackingChannelReader(ChannelReader<byte[]> packed, Action taken)
    {
        _packed = packed;
        _taken = taken;
    }

    /// <inheritdoc />
    public override Task Completion => _packed.Completion;

    /// <inheritdoc />
    public override bool CanCount => _packed.CanCount;

    /// <inheritdoc />
    public override int Count => _packed.Count;

    /// <inheritdoc />
    public override bool CanPeek => _packed.CanPeek;

    /// <inheritdoc />
    public override bool TryRead([MaybeNullWhen(false)] out ConversionEvent item)
    {
        if (_packed.TryRead(out var packed))
        {
            _taken();
            item = ConversionEventPacker.Unpack(packed);
            return true;
        }

        item = null;
        return false;
    }

    /// <inheritdoc />
    public override bool TryPeek([MaybeNullWhen(false)] out ConversionEvent item)
    {
        if (_packed.TryPeek(out var packed))
        {
            item = ConversionEventPacker.Unpack(packed);
            return true;
        }

        item = null;
        return false;
    }

    /// <inheritdoc />
    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => _packed.WaitToReadAsync(cancellationToken);
}
