using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace OaiqPixel.EntityFrameworkCore.Internal;

/// <summary>
/// Makes the app's context for the outbox's own work (a record saved on its own, the dispatcher's rounds): from the
/// app's <see cref="IDbContextFactory{TContext}"/> when it registered one, else from a new service scope.
/// </summary>
/// <remarks><see cref="Create"/> throws <see cref="InvalidOperationException"/> naming the registration to add when the app registered neither.</remarks>
internal sealed class OutboxContextFactory<TContext>(IServiceScopeFactory scopes) : IOutboxContextFactory
    where TContext : DbContext
{
    public Type ContextType => typeof(TContext);

    public OutboxContextLease Create()
    {
        var scope = scopes.CreateAsyncScope();
        try
        {
            var factory = scope.ServiceProvider.GetService<IDbContextFactory<TContext>>();
            if (factory is not null)
            {
                return new OutboxContextLease(scope, factory.CreateDbContext(), ownsContext: true);
            }

            var context = scope.ServiceProvider.GetService<TContext>() ?? throw NotRegistered();
            return new OutboxContextLease(scope, context, ownsContext: false);
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    private static InvalidOperationException NotRegistered()
    {
        var name = typeof(TContext).Name;
        return new InvalidOperationException(
            $"AddEntityFrameworkOutbox<{name}>() writes the outbox through {name}, which is not registered: add builder.Services.AddDbContext<{name}>(…) (or AddDbContextPool or AddDbContextFactory) with your database provider, such as o => o.UseSqlite(connectionString).");
    }
}
