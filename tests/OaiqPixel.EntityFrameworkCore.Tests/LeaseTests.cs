using Microsoft.EntityFrameworkCore;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;
using OaiqPixel.Testing;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// Leases on SQLite (the portable claim) and PostgreSQL (FOR UPDATE SKIP LOCKED): judged by the database's clock, so an
/// instance whose clock runs ahead takes over nothing still held; renewed by the round that holds them while it runs, so
/// a short lease covers a long send; a round that ends stops renewing, and its records move on once the lease runs out.
/// </summary>
public sealed class LeaseTests
{
    private static readonly TimeSpan s_lease = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Lease_InstanceClockAheadOfTheDatabase_DoesNotTakeOverALiveClaim(DbProvider provider)
    {
        // Arrange: another dispatcher holds the records under a one-minute lease; this instance's clock then runs ten
        // minutes ahead of the database's (and of the other instance's).
        await using var h = await DispatcherHarness.StartAsync(provider);
        var ids = h.Write(4);
        Assert.Equal(4, (await h.ClaimAsAnotherAsync(s_lease)).Count);
        h.Time.Advance(TimeSpan.FromMinutes(10));

        // Act
        var skewed = await h.RoundAsync();
        var requestsWhileHeld = h.Api.TotalRequests;
        h.Advance(s_lease + TimeSpan.FromSeconds(1));
        var afterTheLease = await h.RoundAsync();

        // Assert: nothing taken while the database's clock says the lease runs; taken over once it says it ran out.
        Assert.Equal(0, skewed.Claimed);
        Assert.Equal(0, requestsWhileHeld);
        Assert.Equal(4, afterTheLease.Claimed);
        Assert.Equal(ids.ToHashSet(), h.Api.EventIds);
        Assert.Empty(h.Database.Outbox());
    }

    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task Lease_RoundSendingLongerThanTheLease_RenewsIt_SoNoOtherDispatcherTakesItsRecords(DbProvider provider)
    {
        // Arrange: the API holds the round's request under a one-minute lease, until the client's one-hour attempt timeout
        // (on the fake clock) gives up on it and tries again.
        await using var h = await DispatcherHarness.StartAsync(provider);
        var ids = h.Write(3);
        h.Api.EnqueueFault(Fault.Hang(TimeSpan.FromHours(10)));
        var round = h.RoundAsync();
        await Wait.UntilAsync(() => h.Api.PendingFaultCount == 0, "the API holding the round's request");

        // Act: two and a half leases pass in steps shorter than the lease; each step waits for the renewal's wait to be
        // armed (every third of the lease), then for the renewal it triggers.
        var takenOver = new List<int>();
        var due = h.Database.Outbox().Max(m => m.DueAt);
        for (var step = 0; step < 5; step++)
        {
            await Wait.UntilAsync(() => h.Time.TimerDueTimes.Count(t => t == s_lease / 3) > step, "the round waiting to renew its lease");
            h.Advance(TimeSpan.FromSeconds(30));
            var before = due;
            await Wait.UntilAsync(() => h.Database.Outbox().Max(m => m.DueAt) > before, "the round renewing its lease");
            due = h.Database.Outbox().Max(m => m.DueAt);
            takenOver.Add((await h.ClaimAsAnotherAsync(s_lease)).Count);
        }

        h.Advance(TimeSpan.FromHours(1));
        while (!round.IsCompleted)
        {
            // The client's retry waits on the fake clock too.
            h.Advance(TimeSpan.FromMilliseconds(20));
            await Task.WhenAny(round, Task.Delay(5));
        }

        var result = await round;

        // Assert: no other claim got a record while the round ran; the round delivered them and deleted them.
        Assert.All(takenOver, count => Assert.Equal(0, count));
        Assert.Equal(3, result.Claimed);
        Assert.Equal(ids.ToHashSet(), h.Api.EventIds);
        Assert.Empty(h.Database.Outbox());
    }

    [Fact]
    public async Task Lease_RoundThatEnded_StopsRenewing_ItsRecordsAreTakenOverOnceTheLeaseRunsOut()
    {
        // Arrange: the stop's deadline cuts the round's send (whether the API saved them is unknown: left to the lease).
        await using var h = await DispatcherHarness.StartAsync(DbProvider.Sqlite, tracking: o => o.ConversionsApi.ShutdownTimeout = TimeSpan.FromMilliseconds(50));
        h.Write(2);
        h.Api.EnqueueFault(Fault.Hang(TimeSpan.FromHours(10)));
        var round = h.RoundAsync();
        await Wait.UntilAsync(() => h.Api.PendingFaultCount == 0, "the API holding the round's request");
        await h.Dispatcher.StopAsync(CancellationToken.None);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => round);

        // Act
        h.Advance(s_lease + TimeSpan.FromSeconds(1));
        var takenOver = await h.ClaimAsAnotherAsync(s_lease);

        // Assert: no renewal moved the lease once the round had ended.
        Assert.Equal(2, takenOver.Count);
        Assert.All(takenOver, m => Assert.True(m.Reclaimed));
    }

    [Fact]
    public void Defaults_LeaseIsShort_SoADeadProcessesRecordsMoveOnWithinSeconds()
    {
        var options = new OaiqOutboxOptions();

        Assert.Equal(TimeSpan.FromSeconds(15), options.LeaseDuration);
        Assert.True(options.LeaseDuration + options.PollInterval <= TimeSpan.FromSeconds(40));
    }
}
