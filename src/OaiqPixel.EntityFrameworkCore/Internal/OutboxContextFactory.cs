using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace OaiqPixel.EntityFrameworkCore.Internal;

/// <summary>
/// Makes the app's context for the outbox's own work (a record saved on its own, the dispatcher's rounds): from the
/// app's <see cref="IDbContextFactory{TContext}"/> when it registered one, else from a new service scope.
/// </summary>
internal sealed class OutboxContextFactory<TContext>(IServiceScopeFactory scopes) : IOutboxContextFactory
    where TContext : DbContext
{
    public Type ContextType => typeof(TContext);

    public OutboxContextLease Create()
    {
        var scope = scopes.CreateScope();
        try
        {
            var factory = scope.ServiceProvider.GetService<IDbContextFactory<TContext>>();
            return factory is not null
                ? new OutboxContextLease(scope, factory.CreateDbContext(), ownsContext: true)
                : new OutboxContextLease(scope, scope.ServiceProvider.GetRequiredService<TContext>(), ownsContext: false);
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }
}
