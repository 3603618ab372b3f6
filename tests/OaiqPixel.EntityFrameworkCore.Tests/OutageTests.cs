using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;
using OaiqPixel.Testing;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// The dispatcher keeps working through a database outage and an API outage, says so in the health check, and loses
/// nothing: a PostgreSQL server of the test's own is stopped and started under the running app.
/// </summary>
public sealed class OutageTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task DatabaseDownWhileRecordsWait_HealthSaysSo_AndEveryRecordIsDeliveredOnceItIsBack()
    {
        // Arrange: records committed while the API is down, so they wait in the table.
        using var cluster = PostgresCluster.Start(durable: false);
        await using var app = await OutboxApp.StartAsync(
            DbProvider.PostgreSql,
            o => o.MaxDatabaseRetryDelay = TimeSpan.FromMilliseconds(200),
            services: s => s.AddHealthChecks().AddOaiqOutbox(),
            database: TestDatabase.Create(cluster));
        await app.Api.StopListeningAsync();
        var sink = app.Get<IConversionEventSink>();
        var ids = Enumerable.Range(0, 50).Select(i => "outage_" + i).ToList();
        foreach (var id in ids)
        {
            Assert.True(sink.TryEnqueue(new ConversionEvent(OaiqEvent.LeadCreated(), id, DateTimeOffset.UtcNow) { ActionSource = ActionSource.Other }));
        }

        // A sink's events are written by the outbox's background writer: wait until all 50 are in the table.
        await Wait.UntilAsync(() => app.Database.Outbox().Count == 50, "the 50 records in oaiq_outbox", () => app.Database.Outbox().Count + " in the table");
        var health = app.Get<HealthCheckService>();
        await WaitForHealthAsync(health, "Conversions API has been failing");

        // Act: the database goes down, then the API comes back, then the database.
        cluster.StopServer();
        var down = await WaitForHealthAsync(health, "database has been unreachable");
        await app.Api.ResumeListeningAsync();
        cluster.StartServer();
        await app.Api.WaitForEventsAsync(50, s_wait);
        var back = await WaitForHealthAsync(health, "is delivering");

        // Assert
        Assert.Equal(HealthStatus.Degraded, down.Status);
        Assert.Contains("committed records are safe in the table", down.Entries["oaiq_outbox"].Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, back.Status);
        Assert.True(ids.ToHashSet().SetEquals(app.Api.EventIds), "every committed record was delivered");
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 217);
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 218);
    }

    [Fact]
    public async Task DatabaseDownBetweenSendAndDelete_DeliveredRecordsAreDeletedOnceItIsBack_AndNoneIsSentTwice()
    {
        // Arrange: the API holds each response for a while, so the database can go away while a claimed batch is on the wire;
        // batches of 20, so the first batch cannot hold all 50 however fast the records were written before the claim.
        using var cluster = PostgresCluster.Start(durable: false);
        await using var app = await OutboxApp.StartAsync(
            DbProvider.PostgreSql,
            o =>
            {
                o.MaxDatabaseRetryDelay = TimeSpan.FromMilliseconds(200);
                o.BatchSize = 20;
            },
            tracking: o =>
            {
                o.ConversionsApi.RequestTimeout = TimeSpan.FromSeconds(30);
                o.ConversionsApi.TotalRequestTimeout = TimeSpan.FromSeconds(60);
            },
            services: s => s.AddHealthChecks().AddOaiqOutbox(),
            apiOptions: new FakeConversionsApiOptions { ResponseDelay = TimeSpan.FromSeconds(5) },
            database: TestDatabase.Create(cluster));
        var sink = app.Get<IConversionEventSink>();
        var ids = Enumerable.Range(0, 50).Select(i => "midsend_" + i).ToList();
        foreach (var id in ids)
        {
            Assert.True(sink.TryEnqueue(new ConversionEvent(OaiqEvent.LeadCreated(), id, DateTimeOffset.UtcNow) { ActionSource = ActionSource.Other }));
        }

        // The background writer has put all 50 in the table (a record still queued for it when the database goes down
        // would go to the in-memory queue instead, which is another path).
        await Wait.UntilAsync(() => app.Database.Outbox().Count == 50, "the 50 records in oaiq_outbox", () => app.Database.Outbox().Count + " in the table");
        var health = app.Get<HealthCheckService>();
        await WaitForLogAsync(app, 210);

        // Act: the database goes down while the first batch is being sent; the API accepts it; the delete cannot run.
        cluster.StopServer();
        var down = await WaitForHealthAsync(health, "database has been unreachable");
        var sentWhileDown = app.Api.EventIds.Count;
        app.Api.ResponseDelay = TimeSpan.Zero;
        cluster.StartServer();
        await app.Api.WaitForEventsAsync(50, s_wait);
        await WaitForHealthAsync(health, "is delivering");
        await WaitForEmptyTableAsync(app);

        // Assert
        Assert.Equal(HealthStatus.Degraded, down.Status);
        Assert.InRange(sentWhileDown, 1, 49);
        Assert.True(ids.ToHashSet().SetEquals(app.Api.EventIds), "every committed record was delivered");
        Assert.Equal(50, app.Api.Events.Count);
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 218);
    }

    private static async Task WaitForLogAsync(OutboxApp app, int eventId)
    {
        var started = DateTime.UtcNow;
        while (!app.Logs.GetSnapshot().Any(l => l.Id.Id == eventId))
        {
            Assert.True(DateTime.UtcNow - started < s_wait, $"No log {eventId} within {s_wait}.");
            await Task.Delay(20);
        }
    }

    private static async Task WaitForEmptyTableAsync(OutboxApp app)
    {
        var started = DateTime.UtcNow;
        while (app.Database.Outbox().Count > 0)
        {
            Assert.True(DateTime.UtcNow - started < s_wait, $"The outbox still holds {app.Database.Outbox().Count} record(s) after {s_wait}.");
            await Task.Delay(50);
        }
    }

    private static async Task<HealthReport> WaitForHealthAsync(HealthCheckService health, string expected)
    {
        HealthReport report;
        var started = DateTime.UtcNow;
        do
        {
            report = await health.CheckHealthAsync();
            if (report.Entries["oaiq_outbox"].Description?.Contains(expected, StringComparison.Ordinal) == true)
            {
                return report;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow - started < s_wait);

        Assert.Fail($"The health check never said \"{expected}\"; it said: {report.Entries["oaiq_outbox"].Description}");
        return report;
    }
}
