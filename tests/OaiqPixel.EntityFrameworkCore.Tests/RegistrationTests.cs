using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Dispatching;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;
using OaiqPixel.EntityFrameworkCore.Writing;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>Registration on the tracking builder: once, for one context, however the app registers that context.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public void AddEntityFrameworkOutbox_Twice_AddsItOnce()
    {
        // Arrange
        var services = Services(s => s.AddDbContext<ShopDbContext>(o => o.UseSqlite("Data Source=:memory:")));
        var builder = services.AddOaiqTracking(o => o.PixelId = "px_1");

        // Act
        builder.AddEntityFrameworkOutbox<ShopDbContext>().AddEntityFrameworkOutbox<ShopDbContext>();
        using var provider = services.BuildServiceProvider();

        // Assert
        Assert.Single(provider.GetServices<IHostedService>().OfType<OutboxDispatcher>());
        Assert.Single(Interceptors<ShopDbContext>(provider).OfType<OutboxInterceptor>());
    }

    [Fact]
    public void AddEntityFrameworkOutbox_ForASecondContext_ThrowsNamingBoth()
    {
        var builder = Services().AddOaiqTracking(o => o.PixelId = "px_1").AddEntityFrameworkOutbox<ShopDbContext>();

        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddEntityFrameworkOutbox<OtherDbContext>());

        Assert.Contains("OtherDbContext", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ShopDbContext", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("context-before")]
    [InlineData("context-after")]
    [InlineData("pool")]
    [InlineData("factory")]
    public void TheAppsContext_GetsTheInterceptor_HoweverItIsRegistered(string registration)
    {
        // Arrange
        var services = Services();
        void AddContext()
        {
            switch (registration)
            {
                case "pool":
                    services.AddDbContextPool<ShopDbContext>(o => o.UseSqlite("Data Source=:memory:"));
                    break;
                case "factory":
                    services.AddDbContextFactory<ShopDbContext>(o => o.UseSqlite("Data Source=:memory:"));
                    break;
                default:
                    services.AddDbContext<ShopDbContext>(o => o.UseSqlite("Data Source=:memory:"));
                    break;
            }
        }

        if (registration == "context-before")
        {
            AddContext();
        }

        services.AddOaiqTracking(o => o.PixelId = "px_1").AddEntityFrameworkOutbox<ShopDbContext>();
        if (registration != "context-before")
        {
            AddContext();
        }

        // Act
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

        // Assert
        Assert.Single(Interceptors<ShopDbContext>(provider).OfType<OutboxInterceptor>());
    }

    [Fact]
    public void AddEntityFrameworkOutbox_MakesTheStoreTheOutbox_AndKeepsTheQueueUnderItsKey()
    {
        var services = Services(s => s.AddDbContext<ShopDbContext>(o => o.UseSqlite("Data Source=:memory:")));
        services.AddOaiqTracking(o => o.PixelId = "px_1").AddEntityFrameworkOutbox<ShopDbContext>();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<OutboxStore>(provider.GetRequiredService<IConversionEventStore>());
        var queue = provider.GetRequiredKeyedService<IConversionEventStore>(IConversionEventStore.InMemoryKey);
        Assert.Equal("ConversionEventQueue", queue.GetType().Name);
        // The user's entry for server-only events is the core's one pipeline, in front of the outbox.
        Assert.Equal("ConversionEventPipeline", provider.GetRequiredService<IConversionEventSink>().GetType().Name);
    }

    [Theory]
    [InlineData("Oaiq:Outbox:BatchSize", "0", "Oaiq:Outbox:BatchSize must be between 1 and 10000")]
    [InlineData("Oaiq:Outbox:LeaseDuration", "00:00:00.5", "Oaiq:Outbox:LeaseDuration")]
    [InlineData("Oaiq:Outbox:PollInterval", "00:00:00", "Oaiq:Outbox:PollInterval")]
    public async Task InvalidOptions_StopTheHostNamingTheKey(string key, string value, string expected)
    {
        // Arrange
        await using var app = Build(new Dictionary<string, string?> { [key] = value });

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        // Assert
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidOptionsFromConfiguration_AreBound()
    {
        await using var app = Build(new Dictionary<string, string?> { ["Oaiq:Outbox:BatchSize"] = "250", ["Oaiq:Outbox:IncludeViewEvents"] = "true" });

        var options = app.Services.GetRequiredService<IOptions<OaiqOutboxOptions>>().Value;

        Assert.Equal(250, options.BatchSize);
        Assert.True(options.IncludeViewEvents);
    }

    [Fact]
    public async Task ContextWithoutTheOutboxTable_StopsTheHostNamingTheFix()
    {
        // Arrange
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddDbContext<OtherDbContext>(o => o.UseSqlite("Data Source=:memory:"));
        builder.Services.AddOaiqTracking(o => o.PixelId = "px_1").AddEntityFrameworkOutbox<OtherDbContext>();
        await using var app = builder.Build();

        // Act
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        // Assert
        Assert.Contains("modelBuilder.AddOaiqOutbox()", ex.Message, StringComparison.Ordinal);
        Assert.Contains("OtherDbContext.OnModelCreating", ex.Message, StringComparison.Ordinal);
    }

    private static WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddDbContext<ShopDbContext>(o => o.UseSqlite("Data Source=:memory:"));
        builder.Services.AddOaiqTracking(o => o.PixelId = "px_1").AddEntityFrameworkOutbox<ShopDbContext>();
        return builder.Build();
    }

    private static ServiceCollection Services(Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        more?.Invoke(services);
        return services;
    }

    private static IEnumerable<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor> Interceptors<TContext>(IServiceProvider provider)
        where TContext : DbContext
    {
        using var scope = provider.CreateScope();
        var context = scope.ServiceProvider.GetService<TContext>() ?? scope.ServiceProvider.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext();
        var options = context.GetService<IDbContextOptions>();
        return options.FindExtension<CoreOptionsExtension>()?.Interceptors?.ToList() ?? [];
    }

    /// <summary>A context that does not map the outbox table.</summary>
    public sealed class OtherDbContext(DbContextOptions<OtherDbContext> options) : DbContext(options);
}
