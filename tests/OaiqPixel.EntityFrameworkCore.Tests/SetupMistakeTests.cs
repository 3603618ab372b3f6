using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// The set-up steps a new user can miss — the context's registration, the migration that creates the table — each
/// met with a message that names the step, not with a generic container or database error.
/// </summary>
public sealed class SetupMistakeTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task OutboxForAContextNeverRegistered_StopsTheHostNamingAddDbContext()
    {
        // Arrange: AddEntityFrameworkOutbox<ShopDbContext>() without AddDbContext<ShopDbContext>().
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddOaiqTracking(o => o.PixelId = "px_1").AddEntityFrameworkOutbox<ShopDbContext>();
        await using var app = builder.Build();

        // Act
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        // Assert
        Assert.Contains("builder.Services.AddDbContext<ShopDbContext>(", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddEntityFrameworkOutbox<ShopDbContext>()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutboxForAContextRegisteredByFactoryOnly_Starts()
    {
        // Arrange: the sibling: the context registered, here by AddDbContextFactory.
        using var database = TestDatabase.Create(DbProvider.Sqlite);
        database.CreateSchema();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddDbContextFactory<ShopDbContext>(database.Configure);
        builder.Services.AddOaiqTracking(o => o.PixelId = "px_1").AddEntityFrameworkOutbox<ShopDbContext>();
        await using var app = builder.Build();

        // Act
        await app.StartAsync();

        // Assert
        Assert.True(app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.IsCancellationRequested, "the host started");
        await app.StopAsync();
    }

    [Fact]
    public async Task DatabaseWithoutTheOutboxTable_LogsTheMigrationToApply_AndTheHealthCheckSaysSo()
    {
        // Arrange: the app's tables exist, the outbox's does not (its migration was never applied).
        var database = TestDatabase.Create(DbProvider.Sqlite);
        database.CreateSchemaWithoutOutbox();

        // Act
        await using var app = await OutboxApp.StartAsync(
            DbProvider.Sqlite,
            o => o.MaxDatabaseRetryDelay = TimeSpan.FromMilliseconds(200),
            services: s => s.AddHealthChecks().AddOaiqOutbox(),
            database: database,
            createSchema: false);
        var log = await WaitForLogAsync(app, 245);
        var report = await app.Get<HealthCheckService>().CheckHealthAsync();

        // Assert
        Assert.Equal(LogLevel.Error, log.Level);
        Assert.Contains("The outbox table oaiq_outbox is missing from ShopDbContext's database", log.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet ef migrations add AddOaiqOutbox", log.Message, StringComparison.Ordinal);
        Assert.Contains("Database.Migrate()", log.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), l => l.Id.Id == 217);
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Contains("the table oaiq_outbox is missing", report.Entries["oaiq_outbox"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatabaseUnreachable_LogsItIsUnreachable_NotAMissingTable()
    {
        // Arrange: the sibling failure: no database answers at all, so waiting is the fix, not a migration.
        await using var app = await OutboxApp.StartAsync(
            DbProvider.Sqlite,
            o => o.MaxDatabaseRetryDelay = TimeSpan.FromMilliseconds(200),
            database: TestDatabase.Unreachable(),
            createSchema: false);

        // Act
        var log = await WaitForLogAsync(app, 217);

        // Assert
        Assert.Contains("cannot reach the database", log.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), l => l.Id.Id == 245);
    }

    private static async Task<Microsoft.Extensions.Logging.Testing.FakeLogRecord> WaitForLogAsync(OutboxApp app, int eventId)
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            if (app.Logs.GetSnapshot().FirstOrDefault(l => l.Id.Id == eventId) is { } record)
            {
                return record;
            }

            Assert.True(DateTime.UtcNow - started < s_wait, $"No log {eventId} within {s_wait}.");
            await Task.Delay(20);
        }
    }
}
