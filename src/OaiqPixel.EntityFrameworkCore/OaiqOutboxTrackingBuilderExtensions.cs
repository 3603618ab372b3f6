using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OaiqPixel;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Diagnostics;
using OaiqPixel.EntityFrameworkCore;
using OaiqPixel.EntityFrameworkCore.Dispatching;
using OaiqPixel.EntityFrameworkCore.Internal;
using OaiqPixel.EntityFrameworkCore.Writing;

// Extension methods live in the DI namespace so no extra using is needed.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the transactional outbox to OpenAI Ads tracking: <c>AddOaiqTracking(…).AddEntityFrameworkOutbox&lt;ShopDbContext&gt;()</c>.</summary>
public static class OaiqOutboxTrackingBuilderExtensions
{
    /// <summary>
    /// Keeps conversions in the app's own database until the Conversions API has them: an event recorded in a request
    /// is written by the request's next <c>SaveChanges</c> of <typeparamref name="TContext"/>, in the same transaction as
    /// the app's changes (so a rolled-back order reports neither leg), and a dispatcher in every instance delivers the
    /// table, surviving crashes, deploys and API outages. Options are bound from <c>Oaiq:Outbox</c>.
    /// </summary>
    /// <typeparam name="TContext">
    /// The app's context, registered with <c>AddDbContext</c>, <c>AddDbContextPool</c> or <c>AddDbContextFactory</c> (before
    /// or after this call); its <c>OnModelCreating</c> must call <c>modelBuilder.AddOaiqOutbox()</c>.
    /// </typeparam>
    /// <param name="builder">The tracking builder from <c>AddOaiqTracking</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The outbox was already added for another context type (one per app).</exception>
    /// <remarks>
    /// <para>
    /// Which events: by default conversions (every event but <c>page_viewed</c> and <c>contents_viewed</c>, which keep
    /// the in-memory queue; see <see cref="OaiqOutboxOptions.IncludeViewEvents"/> and <see cref="OaiqOutboxOptions.EventFilter"/>).
    /// <see cref="IConversionEventSink"/> used directly (webhooks, workers) writes each event in the background, in a
    /// transaction of its own (the caller never waits on the database). The host stops at
    /// start-up with a message when <typeparamref name="TContext"/> does not map the table.
    /// </para>
    /// <para>Idempotent for the same context. Add a health check with <c>AddHealthChecks().AddOaiqOutbox()</c>.</para>
    /// </remarks>
    public static IOaiqTrackingBuilder AddEntityFrameworkOutbox<TContext>(this IOaiqTrackingBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.FirstOrDefault(static d => d.ServiceType == typeof(IOutboxContextFactory))?.ImplementationType is { } existing)
        {
            return existing == typeof(OutboxContextFactory<TContext>)
                ? builder
                : throw new InvalidOperationException(
                    $"AddEntityFrameworkOutbox<{typeof(TContext).Name}>(): the outbox was already added for {existing.GetGenericArguments()[0].Name}; an app keeps its conversions in one context's database.");
        }

        var options = services.AddOptions<OaiqOutboxOptions>().ValidateOnStart();
        if (services.Any(static d => d.ServiceType == typeof(IConfiguration)))
        {
            // Every host registers its IConfiguration before the app's services; a bare ServiceCollection may have none.
            options.BindConfiguration(OaiqOutboxOptions.SectionName);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OaiqOutboxOptions>, OutboxOptionsValidator>());
        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<IOutboxContextFactory, OutboxContextFactory<TContext>>();
        services.TryAddSingleton<OutboxInstrumentation>();
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<OutboxStatus>();
        services.TryAddSingleton<DatabaseClock>();
        services.TryAddSingleton<OutboxBackgroundWriter>();
        services.TryAddSingleton<OutboxStore>();
        services.TryAddSingleton<OutboxInterceptor>();
        services.TryAddSingleton<DeadLetterReplay>();
        services.TryAddSingleton<OaiqOutboxInspector>();
        services.TryAddSingleton<IOaiqOutbox>(static sp => sp.GetRequiredService<OaiqOutboxInspector>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOaiqStoreInspector, OaiqOutboxInspector>(static sp => sp.GetRequiredService<OaiqOutboxInspector>()));
        services.TryAddSingleton<IOaiqBrowserLegGate>(static sp => sp.GetRequiredService<OutboxStore>());

        // The core's pipeline hands the outbox each finished record: a request's joins its unit of work, any other is written
        // in the background; the in-memory queue stays reachable under its key for views and as the fallback.
        services.Replace(ServiceDescriptor.Singleton<IConversionEventStore>(static sp => sp.GetRequiredService<OutboxStore>()));
        services.ConfigureDbContext<TContext>(static (sp, options) => options.AddInterceptors(sp.GetRequiredService<OutboxInterceptor>()));
        services.AddHostedService<OutboxDispatcher>();

        // Registered after the dispatcher, so it stops first: what it still holds is written before the host goes.
        services.AddHostedService(static sp => sp.GetRequiredService<OutboxBackgroundWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, OutboxStartupFilter>());
        return builder;
    }

    /// <summary>Adds the outbox as <see cref="AddEntityFrameworkOutbox{TContext}(IOaiqTrackingBuilder)"/> does, then adjusts its options in code.</summary>
    /// <typeparam name="TContext">The app's context; its <c>OnModelCreating</c> calls <c>modelBuilder.AddOaiqOutbox()</c>.</typeparam>
    /// <param name="builder">The tracking builder from <c>AddOaiqTracking</c>.</param>
    /// <param name="configure">Adjusts the options after binding <c>Oaiq:Outbox</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The outbox was already added for another context type (one per app).</exception>
    public static IOaiqTrackingBuilder AddEntityFrameworkOutbox<TContext>(this IOaiqTrackingBuilder builder, Action<OaiqOutboxOptions> configure)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddEntityFrameworkOutbox<TContext>();
        builder.Services.Configure(configure);
        return builder;
    }
}
