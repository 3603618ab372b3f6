using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace OaiqPixel.EntityFrameworkCore.Internal;

/// <summary>A context made for the outbox's own work, with the scope it came from; disposing it disposes both.</summary>
internal sealed class OutboxContextLease(AsyncServiceScope scope, DbContext context, bool ownsContext) : IDisposable, IAsyncDisposable
{
    public DbContext Context { get; } = context;

    public void Dispose()
    {
        if (ownsContext)
        {
            Context.Dispose();
        }

        scope.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (ownsContext)
        {
            await Context.DisposeAsync().ConfigureAwait(false);
        }

        await scope.DisposeAsync().ConfigureAwait(false);
    }
}
