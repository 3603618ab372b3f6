using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Diagnostics;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// The outbox's dead letters sent again once their cause is fixed, on SQLite and PostgreSQL: re-aimed at the right pixel
/// after a wrong Pixel ID, by id with the API's window kept, and once only when two instances replay at the same time.
/// </summary>
public sealed class ReplayTests
{
    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Replay_WrongPixelFixed_RowsGoBackToPendingForTheRightPixel_AndAreDelivered(DbProvider provider)
    {
        // Arrange: the events went to a pixel the API does not know (400 each), so the outbox dead-lettered them.
        await using var h = await DispatcherHarness.StartAsync(provider, tracking: o => o.Pixels.Add(new OaiqPixelOptions { PixelId = "px_wrong" }));
        var ids = Write(h, 3, "px_wrong");
        await h.RoundAsync();
        var outbox = h.Provider.GetRequiredService<IOaiqOutbox>();
        var before = await outbox.GetSnapshotAsync();
        var acceptedBefore = h.Api.EventIds.Count;

        // Act
        var result = await outbox.ReplayDeadLettersAsync(new OaiqReplayRequest { PixelId = "px_wrong", ToPixelId = h.Api.PixelId });
        var rows = h.Database.Outbox();
        await h.RoundAsync();

        // Assert
        Assert.Equal(3, before.DeadLetteredCount);
        Assert.Equal(0, acceptedBefore);
        Assert.Equal((3, 0, 0, 0), (result.Replayed, result.TooOld, result.NotFound, result.NotTaken));
        Assert.All(rows, r =>
        {
            Assert.Equal(OaiqOutboxMessageState.Pending, r.State);
            Assert.Equal(h.Api.PixelId, r.PixelId);
            Assert.Equal((0, (Guid?)null, (DateTimeOffset?)null, (string?)null), (r.Attempts, r.ClaimId, r.DeadLetteredAt, r.LastError));
        });
        Assert.Equal(ids.ToHashSet(), h.Api.EventIds);
        Assert.Empty(h.Database.Outbox());
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Id.Id == 321);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Replay_ById_PastTheApisWindowIsNotSentButReported_AndUnknownIdsCounted(DbProvider provider)
    {
        // Arrange: two dead letters of one pixel, one of them written six days before the other.
        await using var h = await DispatcherHarness.StartAsync(provider);
        Write(h, 1, h.Api.PixelId, "old_");
        h.Advance(TimeSpan.FromDays(6));
        Write(h, 1, h.Api.PixelId, "new_");
        Write(h, 1, h.Api.PixelId, "other_");
        h.Api.PoisonEvent = _ => true;
        await h.RoundAsync();
        h.Api.PoisonEvent = null;
        h.Advance(TimeSpan.FromDays(1.5));

        // Act
        var result = await h.Provider.GetRequiredService<IOaiqOutbox>().ReplayDeadLettersAsync(new OaiqReplayRequest { EventIds = ["old_0", "new_0", "none_0"] });
        await h.RoundAsync();

        // Assert: the old one is past ConversionEventRecord.MaxAge and stays a dead letter; the one not asked for too.
        Assert.Equal((1, 1, 1, 0), (result.Replayed, result.TooOld, result.NotFound, result.NotTaken));
        Assert.True(TimeSpan.FromDays(7.5) > ConversionEventRecord.MaxAge);
        Assert.Equal(["new_0"], h.Api.EventIds);
        Assert.Equal(["old_0", "other_0"], h.Database.Outbox().Where(m => m.State == OaiqOutboxMessageState.DeadLettered).Select(m => m.EventId).Order());
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Replay_TwoInstancesAtOnce_EachRowIsReplayedOnce(DbProvider provider)
    {
        // Arrange: a second instance on the same database.
        await using var h = await DispatcherHarness.StartAsync(provider);
        await using var other = await DispatcherHarness.StartAsync(provider, database: h.Database);
        Write(h, 20, h.Api.PixelId);
        h.Api.PoisonEvent = _ => true;
        await h.RoundAsync();
        h.Api.PoisonEvent = null;

        // Act
        var results = await Task.WhenAll(
            h.Provider.GetRequiredService<IOaiqOutbox>().ReplayDeadLettersAsync(new OaiqReplayRequest()),
            other.Provider.GetRequiredService<IOaiqOutbox>().ReplayDeadLettersAsync(new OaiqReplayRequest()));

        // Assert
        Assert.Equal(20, results.Sum(r => r.Replayed));
        Assert.All(h.Database.Outbox(), r => Assert.Equal((OaiqOutboxMessageState.Pending, 0), (r.State, r.Attempts)));
        Assert.Equal(20, h.Database.Outbox().Count);
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Replay_ToAPixelTheAppIsNotConfiguredFor_IsRefusedBeforeTheDatabase_AndTheRowsStay(DbProvider provider)
    {
        // Arrange: one dead letter; a target over the pixel_id column's 128 characters was a database error, an unknown
        // one re-aimed the row at a pixel whose events cannot be sent.
        await using var h = await DispatcherHarness.StartAsync(provider);
        Write(h, 1, h.Api.PixelId);
        h.Api.PoisonEvent = _ => true;
        await h.RoundAsync();
        h.Api.PoisonEvent = null;
        var outbox = h.Provider.GetRequiredService<IOaiqOutbox>();

        // Act
        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => outbox.ReplayDeadLettersAsync(new OaiqReplayRequest { ToPixelId = new string('p', 129) }));
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => outbox.ReplayDeadLettersAsync(new OaiqReplayRequest { ToPixelId = "px_unknown" }));

        // Assert
        Assert.Equal(("request", "request"), (tooLong.ParamName, unknown.ParamName));
        Assert.Contains("configured pixels", unknown.Message, StringComparison.Ordinal);
        var row = Assert.Single(h.Database.Outbox());
        Assert.Equal((OaiqOutboxMessageState.DeadLettered, h.Api.PixelId), (row.State, row.PixelId));
    }

    private static List<string> Write(DispatcherHarness h, int count, string pixelId, string prefix = "order_")
    {
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var id = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(h.Sink.TryEnqueue(new ConversionEvent(OaiqEvent.OrderCreated(Money.FromMinorUnits(100 + i, "USD")), id, h.Time.GetUtcNow())
            {
                ActionSource = ActionSource.Other,
            }.ForPixel(pixelId)));
            ids.Add(id);
        }

        Assert.True(SpinWait.SpinUntil(() => h.Database.Outbox().Count(m => ids.Contains(m.EventId)) >= count, TimeSpan.FromSeconds(30)), "The sink's background write did not reach the table.");
        return ids;
    }
}
