using Microsoft.EntityFrameworkCore;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;
using OaiqPixel.Testing;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// Rounds the database cuts: a PostgreSQL server of the test's own goes down at an exact step of a round (just after the
/// claim committed, before the send, between the send and the delete) and comes back, on a fake clock that stays well
/// inside the one-minute lease. What the dispatcher knows it did not deliver goes out at its next round rather than when
/// the lease ends; what it delivered is deleted and never sent again; records another dispatcher took over once the lease
/// ran out are left to it; records whose send was cut stay claimed until the lease ends.
/// </summary>
public sealed class CutRoundTests
{
    private static readonly TimeSpan s_lease = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RoundCutAfterItsClaimCommitted_TheRecordsGoOutAtTheNextRound_NotWhenTheLeaseEnds(bool rowLocking)
    {
        // Arrange: the portable claim loses the answer to its committed UPDATE (the read-back fails); the row-locking
        // claim gets its answer and the round is cut at its next statement (dead-lettering a record it cannot read), before
        // the send.
        using var cluster = PostgresCluster.Start(durable: false);
        var cut = new StatementHook();
        await using var h = await StartAsync(cluster, cut, rowLocking);
        await h.WriteUnreadableAsync("unreadable_0");
        var ids = h.Write(5);
        if (rowLocking)
        {
            cut.Before(StatementHook.IsDeadLetter, cluster.StopServer);
        }
        else
        {
            cut.After(StatementHook.IsUpdate, cluster.StopServer);
        }

        // Act
        var failure = await Record.ExceptionAsync(h.RoundAsync);
        Restore(cluster);
        var heldWhileCut = h.Database.Outbox();
        var next = await h.RoundAsync();

        // Assert: the claim had committed (so without the hand-back the lease would keep them for a minute), nothing was
        // sent before the cut, and the next round, on a clock that has not moved, delivers each record once.
        Assert.NotNull(failure);
        Assert.Equal(1, cut.Fired);
        Assert.Equal(6, heldWhileCut.Count);
        Assert.Single(heldWhileCut.Select(m => m.ClaimId).Distinct());
        Assert.NotNull(heldWhileCut[0].ClaimId);
        Assert.Equal(6, next.Claimed);
        Assert.Equal(ids.ToHashSet(), h.Api.EventIds);
        Assert.Equal(5, h.Api.Events.Count);
        var left = Assert.Single(h.Database.Outbox());
        Assert.Equal(("unreadable_0", OaiqOutboxMessageState.DeadLettered), (left.EventId, left.State));
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Id.Id == 236);
    }

    [Fact]
    public async Task RoundCutAfterItsClaimCommitted_RecordsAnotherDispatcherTookOverOnceTheLeaseRanOut_AreLeftToIt()
    {
        // Arrange: as above (portable claim, its answer lost), but the database stays away past the lease and another
        // dispatcher takes the records over as soon as it is back.
        using var cluster = PostgresCluster.Start(durable: false);
        var cut = new StatementHook();
        await using var h = await StartAsync(cluster, cut, rowLocking: false);
        h.Write(5);
        cut.After(StatementHook.IsUpdate, cluster.StopServer);
        Assert.NotNull(await Record.ExceptionAsync(h.RoundAsync));
        Restore(cluster);
        h.Advance(s_lease + TimeSpan.FromSeconds(1));
        var takenOver = await h.ClaimAsAnotherAsync(s_lease);
        var other = Assert.Single(h.Database.Outbox().Select(m => m.ClaimId).Distinct());

        // Act: the cut dispatcher's next round (its hand-back first).
        var next = await h.RoundAsync();

        // Assert: the other dispatcher's claim stands; the cut one neither hands its records back nor sends them.
        Assert.Equal(5, takenOver.Count);
        Assert.All(takenOver, m => Assert.True(m.Reclaimed));
        Assert.Equal(0, next.Claimed);
        Assert.All(h.Database.Outbox(), m => Assert.Equal(other, m.ClaimId));
        Assert.Equal(5, h.Database.Outbox().Count);
        Assert.Equal(0, h.Api.TotalRequests);
        Assert.DoesNotContain(h.Logs.GetSnapshot(), l => l.Id.Id == 236);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RoundCutBetweenTheSendAndTheDelete_TheDeleteIsRetriedFirst_NothingIsSentAgain(bool rowLocking)
    {
        // Arrange: the server goes down once the API accepted the batch, just before the delivered records are deleted.
        using var cluster = PostgresCluster.Start(durable: false);
        var cut = new StatementHook();
        await using var h = await StartAsync(cluster, cut, rowLocking);
        var ids = h.Write(5);
        cut.Before(StatementHook.IsDelete, cluster.StopServer);

        // Act
        var failure = await Record.ExceptionAsync(h.RoundAsync);
        var sentBeforeTheCut = h.Api.Events.Count;
        Restore(cluster);
        var heldWhileCut = h.Database.Outbox();
        var next = await h.RoundAsync();
        h.Advance(s_lease + TimeSpan.FromSeconds(1));
        var afterTheLease = await h.RoundAsync();

        // Assert: delivered, still in the table under the claim after the cut; then deleted, and never sent again, not
        // even once the lease ran out.
        Assert.NotNull(failure);
        Assert.Equal(5, sentBeforeTheCut);
        Assert.Equal(5, heldWhileCut.Count(m => m.ClaimId is not null));
        Assert.Equal(0, next.Claimed);
        Assert.Equal(0, afterTheLease.Claimed);
        Assert.Empty(h.Database.Outbox());
        Assert.Equal(ids.ToHashSet(), h.Api.EventIds);
        Assert.Equal(5, h.Api.Events.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RoundCutAfterTheSend_WithOneRecordRefused_OnlyTheUndeliveredRecordIsHandedBack(bool settledByStop)
    {
        // Arrange: the API accepts nine and refuses order_4 on its own; the server goes down at the round's first write
        // after the send that is not the delete of the nine (the dead-letter update of order_4).
        using var cluster = PostgresCluster.Start(durable: false);
        var cut = new StatementHook();
        await using var h = await StartAsync(cluster, cut, rowLocking: true);
        var ids = h.Write(10);
        h.Api.PoisonEvent = e => e.GetProperty("id").GetString() == "order_4";
        cut.Before(StatementHook.IsUpdate, cluster.StopServer);

        // Act: settled by the next round, or by a graceful stop.
        var failure = await Record.ExceptionAsync(h.RoundAsync);
        Restore(cluster);
        if (settledByStop)
        {
            await h.Dispatcher.StopAsync(CancellationToken.None);
        }
        else
        {
            await h.RoundAsync();
        }

        var afterSettling = h.Database.Outbox();

        // Assert: the nine were delivered once and deleted; order_4 was handed back (by the stop) or sent again and
        // refused again (by the round), never the nine.
        Assert.NotNull(failure);
        Assert.Equal(1, cut.Fired);
        var left = Assert.Single(afterSettling);
        Assert.Equal("order_4", left.EventId);
        Assert.Null(left.ClaimId);
        Assert.Equal(settledByStop ? OaiqOutboxMessageState.Pending : OaiqOutboxMessageState.DeadLettered, left.State);
        Assert.Equal(ids.Where(id => id != "order_4").ToHashSet(), h.Api.EventIds);
        Assert.Equal(9, h.Api.Events.Count);
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Id.Id == (settledByStop ? 221 : 236));
    }

    [Fact]
    public async Task StopDuringTheSend_TheRecordsStayClaimedUntilTheLeaseEnds_ThenAnotherDispatcherTakesThemOver()
    {
        // Arrange: the API holds the request (the fake clock never reaches the hang's end); the stop's deadline cuts it.
        await using var h = await DispatcherHarness.StartAsync(DbProvider.Sqlite, tracking: o => o.ConversionsApi.ShutdownTimeout = TimeSpan.FromMilliseconds(50));
        h.Write(5);
        h.Api.EnqueueFault(Fault.Hang(TimeSpan.FromHours(10)));
        var round = h.RoundAsync();
        await Wait.UntilAsync(() => h.Api.PendingFaultCount == 0, "the API holding the round's request");

        // Act
        await h.Dispatcher.StopAsync(CancellationToken.None);
        var cutSend = await Record.ExceptionAsync(() => round);
        var held = h.Database.Outbox();
        h.Advance(s_lease - TimeSpan.FromSeconds(1));
        var beforeTheLeaseEnds = await h.ClaimAsAnotherAsync(s_lease);
        h.Advance(TimeSpan.FromSeconds(2));
        var afterTheLeaseEnds = await h.ClaimAsAnotherAsync(s_lease);

        // Assert: whether the API saved them is unknown, so the stop handed none back; only the lease's end frees them.
        Assert.IsAssignableFrom<OperationCanceledException>(cutSend);
        Assert.Equal(5, held.Count(m => m.ClaimId is not null));
        Assert.Empty(beforeTheLeaseEnds);
        Assert.Equal(5, afterTheLeaseEnds.Count);
        Assert.All(afterTheLeaseEnds, m => Assert.True(m.Reclaimed));
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Id.Id == 235);
        Assert.DoesNotContain(h.Logs.GetSnapshot(), l => l.Id.Id == 221);
    }

    [Theory]
    [InlineData(61, false)]
    [InlineData(59, true)]
    public async Task RoundSlowerThanItsLease_DoesNotSendWhatAnotherDispatcherMayHoldNow(int secondsBeforeTheSend, bool sent)
    {
        // Arrange: the round spends (on the fake clock) 61 or 59 seconds of its one-minute lease before the send,
        // setting aside a record it cannot read (the one statement a round runs between its claim and its send; stale
        // records are no longer set aside there: the delivery drops them).
        var hook = new StatementHook();
        await using var h = await DispatcherHarness.StartAsync(DbProvider.Sqlite, o => o.LeaseDuration = s_lease, context: c => c.AddInterceptors(hook));
        await h.WriteUnreadableAsync("unreadable_0");
        var ids = h.Write(5);
        hook.Before(StatementHook.IsDeadLetter, () => h.Advance(TimeSpan.FromSeconds(secondsBeforeTheSend)));

        // Act
        var slow = await h.RoundAsync();
        var requestsAfterTheSlowRound = h.Api.TotalRequests;
        var next = await h.RoundAsync();

        // Assert: past its lease the round sends nothing (the next claim, here this dispatcher's own, takes them over
        // and sends them once); within it, the round delivers as usual.
        Assert.Equal(1, hook.Fired);
        Assert.Equal(6, slow.Claimed);
        Assert.Equal(sent ? 1 : 0, requestsAfterTheSlowRound);
        Assert.Equal(sent ? 0 : 5, next.Claimed);
        Assert.Equal(ids.ToHashSet(), h.Api.EventIds);
        Assert.Equal(5, h.Api.Events.Count);
        var left = Assert.Single(h.Database.Outbox());
        Assert.Equal(("unreadable_0", OaiqOutboxMessageState.DeadLettered), (left.EventId, left.State));
        Assert.Equal(!sent, h.Logs.GetSnapshot().Any(l => l.Id.Id == 237));
    }

    /// <summary>The server back, and the pool's dead connections dropped as an app's pool drops them on their first use.</summary>
    private static void Restore(PostgresCluster cluster)
    {
        cluster.StartServer();
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    private static async Task<DispatcherHarness> StartAsync(PostgresCluster cluster, StatementHook cut, bool rowLocking)
    {
        var h = await DispatcherHarness.StartAsync(DbProvider.PostgreSql, o => o.LeaseDuration = s_lease, TestDatabase.Create(cluster), c => c.AddInterceptors(cut));
        h.Dispatcher.UseRowLocking = rowLocking;
        h.Dispatcher.Prepare();
        return h;
    }
}
