namespace OaiqPixel.EntityFrameworkCore.Internal;

/// <summary>Makes the app's context (the one the outbox was added for) for the outbox's own work.</summary>
internal interface IOutboxContextFactory
{
    Type ContextType { get; }

    /// <summary>A new context, owned by the caller until the lease is disposed.</summary>
    OutboxContextLease Create();
}
