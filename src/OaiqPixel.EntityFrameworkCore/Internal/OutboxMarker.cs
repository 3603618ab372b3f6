namespace OaiqPixel.EntityFrameworkCore.Internal;

/// <summary>Marks the outbox as added, and for which context: an app has one outbox.</summary>
internal sealed class OutboxMarker(Type contextType)
{
    public Type ContextType { get; } = contextType;
}
