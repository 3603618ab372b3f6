using Microsoft.EntityFrameworkCore;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// The dispatcher against rows and crashes the other tests do not write: rows broken in other ways than their time, and
/// a dead instance's claim under the default options.
/// </summary>
public sealed class DispatcherEdgeTests
{
    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Round_RowsBrokenInOtherWays_AreEachDeadLetteredOnTheirOwn_TheGoodOnesDelivered(DbProvider provider)
    {
        // Arrange: between good rows, rows written by hand with an empty pixel, a JSON array, bytes that are not UTF-8, an
        // event type the API does not know, and a JSON object cut short.
        await using var h = await DispatcherHarness.StartAsync(provider);
        var ids = h.Write(2, "before_");
        var now = h.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var good = "{\"id\":\"x\",\"type\":\"order_created\",\"timestamp_ms\":" + now + "}";
        (string Pixel, string EventId, byte[] Json)[] broken =
        [
            (string.Empty, "no_pixel", System.Text.Encoding.UTF8.GetBytes(good)),
            (h.Api.PixelId, "array", "[1,2]"u8.ToArray()),
            (h.Api.PixelId, "not_utf8", [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']),
            (h.Api.PixelId, "unknown_type", System.Text.Encoding.UTF8.GetBytes(good.Replace("order_created", "order_teleported", StringComparison.Ordinal))),
            (h.Api.PixelId, "cut_short", System.Text.Encoding.UTF8.GetBytes(good[..^5])),
        ];
        using (var db = h.Database.CreateContext())
        {
            foreach (var (pixel, eventId, json) in broken)
            {
                await db.Database.ExecuteSqlRawAsync(
                    "INSERT INTO oaiq_outbox (pixel_id, event_id, event_type, occurred_at, json, state, created_at, due_at, attempts) VALUES ({0}, {1}, 'order_created', {2}, {3}, 0, {2}, {2}, 0)",
                    pixel, eventId, now, json);
            }
        }

        ids.AddRange(h.Write(3, "after_"));

        // Act
        var round = await h.RoundAsync();
        var next = await h.RoundAsync();

        // Assert
        Assert.Equal(10, round.Claimed);
        Assert.Equal(0, next.Claimed);
        Assert.Equal(ids.ToHashSet(), h.Api.EventIds);
        var dead = h.Database.Outbox();
        Assert.Equal(broken.Select(b => b.EventId).Order(StringComparer.Ordinal), dead.Select(m => m.EventId).Order(StringComparer.Ordinal));
        Assert.All(dead, m => Assert.Equal(OaiqOutboxMessageState.DeadLettered, m.State));
        Assert.Equal(broken.Length, h.Logs.GetSnapshot().Count(l => l.Id.Id == 223));
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Lease_DefaultOptions_ADeadInstancesClaimIsTakenOverWithinSeconds(DbProvider provider)
    {
        // Arrange: the default lease (no option set), and another instance that claimed the records and was killed.
        var lease = new OaiqOutboxOptions().LeaseDuration;
        await using var h = await DispatcherHarness.StartAsync(provider, o => o.LeaseDuration = lease);
        var ids = h.Write(3);
        Assert.Equal(3, (await h.ClaimAsAnotherAsync(lease)).Count);

        // Act
        var during = await h.RoundAsync();
        h.Advance(lease + TimeSpan.FromSeconds(1));
        var after = await h.RoundAsync();

        // Assert: held while the lease runs, taken over a second after it.
        Assert.True(lease <= TimeSpan.FromSeconds(30), $"The default lease is {lease}: a dead instance's records would wait that long.");
        Assert.Equal(0, during.Claimed);
        Assert.Equal(3, after.Claimed);
        Assert.Equal(ids.ToHashSet(), h.Api.EventIds);
    }
}
