using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// The 7-day limit at the round's edges: a round of only stale rows, stale rows mixed with a poison one and good ones,
/// and a stale row another dispatcher claimed; <c>oaiq.outbox.dropped{stale}</c> and log 111 count the rows deleted.
/// </summary>
public sealed class StaleRoundTests
{
    private static readonly TimeSpan s_pastTheWindow = TimeSpan.FromDays(7) + TimeSpan.FromHours(1);

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Round_EveryClaimedRowStale_AllDeletedAndCounted_NothingSent(DbProvider provider)
    {
        // Arrange
        await using var h = await DispatcherHarness.StartAsync(provider);
        using var dropped = h.Collect("oaiq.outbox.dropped");
        h.Write(3, "old_");
        h.Advance(s_pastTheWindow);
        h.Api.ClearRecordings();

        // Act
        var round = await h.RoundAsync();
        var next = await h.RoundAsync();

        // Assert
        Assert.Equal(3, round.Claimed);
        Assert.Equal(0, next.Claimed);
        Assert.Empty(h.Api.EventIds);
        Assert.Empty(h.Database.Outbox());
        Assert.Equal(3, StaleDropped(dropped));
        Assert.Equal(3, h.Logs.GetSnapshot().Count(l => l.Id.Id == 111));
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Round_StalePoisonAndGoodRows_StaleDeleted_PoisonDeadLettered_GoodDelivered(DbProvider provider)
    {
        // Arrange: two written, then a week and an hour later three fresh ones, one of which the API refuses.
        await using var h = await DispatcherHarness.StartAsync(provider);
        using var dropped = h.Collect("oaiq.outbox.dropped");
        h.Write(2, "old_");
        h.Advance(s_pastTheWindow);
        h.Write(3, "new_");
        h.Api.PoisonEvent = e => e.GetProperty("id").GetString() == "new_1";
        h.Api.ClearRecordings();

        // Act
        await h.RoundAsync();

        // Assert
        Assert.Equal(["new_0", "new_2"], h.Api.EventIds.Order(StringComparer.Ordinal));
        var dead = Assert.Single(h.Database.Outbox());
        Assert.Equal("new_1", dead.EventId);
        Assert.Equal(OaiqOutboxMessageState.DeadLettered, dead.State);
        Assert.Equal(2, StaleDropped(dropped));
        Assert.Equal(2, h.Logs.GetSnapshot().Count(l => l.Id.Id == 111));
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task StaleRowClaimedByAnotherDispatcher_LeftAloneWhileItsLeaseRuns_DroppedOnceOnTakeOver(DbProvider provider)
    {
        // Arrange
        await using var h = await DispatcherHarness.StartAsync(provider);
        using var dropped = h.Collect("oaiq.outbox.dropped");
        h.Write(1, "old_");
        h.Advance(s_pastTheWindow);
        Assert.Single(await h.ClaimAsAnotherAsync(TimeSpan.FromMinutes(1)));

        // Act
        var whileClaimed = await h.RoundAsync();
        var countedWhileClaimed = StaleDropped(dropped);
        h.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var takenOver = await h.RoundAsync();

        // Assert
        Assert.Equal(0, whileClaimed.Claimed);
        Assert.Equal(0, countedWhileClaimed);
        Assert.Equal(1, takenOver.Claimed);
        Assert.Empty(h.Database.Outbox());
        Assert.Empty(h.Api.EventIds);
        Assert.Equal(1, StaleDropped(dropped));
        Assert.Single(h.Logs.GetSnapshot(), l => l.Id.Id == 111);
    }

    private static long StaleDropped(Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long> dropped) =>
        dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["oaiq.outbox.reason"] == "stale").Sum(m => m.Value);
}
