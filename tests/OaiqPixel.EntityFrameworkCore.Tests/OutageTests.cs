using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

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

        Assert.Equal(50, app.Database.Outbox().Count);
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
