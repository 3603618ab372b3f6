using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OaiqPixel.ReliabilityTests.Infrastructure;
using OaiqPixel.Testing;

namespace OaiqPixel.ReliabilityTests.Outbox;

/// <summary>
/// A web farm on one database: two real app processes share one PostgreSQL outbox table (claims with
/// <c>FOR UPDATE SKIP LOCKED</c> under a lease); one is SIGKILLed mid-run; the other delivers the rest, taking over the
/// dead one's claims only once their lease expired. Each instance has its own fake API, so who delivered what is known.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class OutboxTwoInstanceTests(ITestOutputHelper output)
{
    private const int Orders = 10_000;
    private const int OrdersPerRequest = 100;
    private const string Section = "6 Transactional outbox: two instances on one PostgreSQL (up to 10,000 conversions, 5,000 per instance, A SIGKILLed mid-run, the outbox's default options: lease 15 s renewed every 5 s)";
    private const string Header =
        "| Run | Committed | Delivered by A (killed) | Delivered by B | Lost | Delivered by both | Of those, before the lease expired | Same-id resends | Kill to all delivered s |\n" +
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

    [Fact]
    public async Task TwoInstances_OneKilledMidRun_NothingLostAndOnlyExpiredLeasesDeliveredTwice()
    {
        // Arrange: one database, two instances, each with a slow-ish API of its own.
        using var cluster = PostgresCluster.Start(durable: false);
        var connectionString = cluster.CreateDatabase("outbox_farm");
        OutboxTargetContext.CreateSchema("postgres", connectionString);
        ClaimAudit.Install(connectionString);
        var apiOptions = new FakeConversionsApiOptions { ResponseDelay = TimeSpan.FromMilliseconds(500) };
        await using var apiA = await FakeConversionsApi.StartAsync(apiOptions);
        await using var apiB = await FakeConversionsApi.StartAsync(apiOptions);
        await using var a = await OutboxChildProcess.StartAsync(apiA, "postgres", ClaimAudit.ForInstance(connectionString, "A"));
        await using var b = await OutboxChildProcess.StartAsync(apiB, "postgres", ClaimAudit.ForInstance(connectionString, "B"));

        // Act: both take orders (both dispatchers claim from the one table). A takes half of its orders, waits until a
        // quarter of all conversions are delivered (orders commit much faster than a 500 ms API delivers them), then takes
        // the rest and dies once the first of those requests committed: killed mid-run whatever the machine's speed. What
        // counts as committed is what the database holds afterwards.
        var placingB = b.PlaceManyOrdersAsync("farm_b_", Orders / 2, OrdersPerRequest);
        await a.PlaceManyOrdersAsync("farm_a_", Orders / 4, OrdersPerRequest);
        await Wait.UntilAsync(() => apiA.EventIds.Count + apiB.EventIds.Count >= Orders / 4, "a quarter of the conversions delivered", timeout: TimeSpan.FromSeconds(120));
        var placingA = a.PlaceManyOrdersAsync("farm_a_late_", Orders / 4, OrdersPerRequest);
        await Wait.UntilAsync(() => CountOrders(connectionString, "farm_a_late_") >= OrdersPerRequest, "A committing its later orders", timeout: TimeSpan.FromSeconds(120));
        await a.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        // A's last request was cut by the kill (or it finished first: the range check on what committed tells).
        await Record.ExceptionAsync(() => placingA);
        await placingB;
        List<string> expectedIds;
        using (var db = OutboxTargetContext.Create("postgres", connectionString))
        {
            expectedIds = [.. db.Orders.AsNoTracking().Select(o => o.Number)];
        }

        var committed = expectedIds.Count;
        var stopwatch = Stopwatch.StartNew();
        await Wait.UntilAsync(() => apiA.EventIds.Union(apiB.EventIds).Count() >= committed, "every committed conversion delivered by one instance or the other",
            () => $"{apiA.EventIds.Union(apiB.EventIds).Count():N0} delivered", TimeSpan.FromSeconds(180));
        stopwatch.Stop();

        // Assert: nothing lost, nothing invented, a repeat is the same record resent.
        // B's 5,000 and part of A's: A was killed while it still took orders, so this was mid-run.
        Assert.InRange(committed, (Orders / 2) + OrdersPerRequest, Orders - OrdersPerRequest);
        var expected = expectedIds.ToHashSet(StringComparer.Ordinal);
        var delivered = apiA.EventIds.Union(apiB.EventIds).ToHashSet(StringComparer.Ordinal);
        Assert.True(delivered.SetEquals(expected), $"{expected.Except(delivered).Count()} committed conversions were lost.");
        Assert.Empty(OutboxDeliveries.DifferingCopies(apiA, apiB));

        // Assert: a record delivered by both was taken over by one instance from the other only once the other's lease
        // on it had ended (it was killed, or its round outran the lease on this loaded machine). The table's claim
        // history says who held what until when; arrival times at the APIs cannot, since a round may spend seconds
        // between its claim and its send. A was killed, so it delivered nothing after that.
        var firstA = OutboxDeliveries.FirstArrivals(apiA);
        var firstB = OutboxDeliveries.FirstArrivals(apiB);
        var both = firstA.Keys.Intersect(firstB.Keys).ToList();
        var early = ClaimAudit.NotExplainedByALeaseExpiry(connectionString, both);
        Assert.All(both, id => Assert.True(firstA[id] <= killedAt, $"{id}: delivered by A after A was killed?"));
        Assert.True(early.Count == 0, $"{early.Count} records were delivered by both instances without a lease on them having ended first, e.g. {string.Join("; ", early.Take(3))}. "
            + OutboxDeliveries.Timeline(early.FirstOrDefault()?.Split(':')[0], ("A", apiA), ("B", apiB)));
        Assert.NotEmpty(firstA);
        Assert.NotEmpty(firstB);

        var resends = apiA.Events.Count + apiB.Events.Count - delivered.Count;
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| A killed once 2,500 were delivered, while still taking orders (API 500 ms/request each) | {committed:N0} | {apiA.EventIds.Count:N0} | {apiB.EventIds.Count:N0} | {expected.Count - delivered.Count:N0} | {both.Count:N0} | {early.Count:N0} | {resends:N0} | {stopwatch.Elapsed.TotalSeconds:F2} |");
        ReliabilityReport.AddRow(Section, Header, "farm", row);
        output.WriteLine(Header);
        output.WriteLine(row);
    }

    private static int CountOrders(string connectionString, string prefix)
    {
        using var db = OutboxTargetContext.Create("postgres", connectionString);
        return db.Orders.AsNoTracking().Count(o => o.Number.StartsWith(prefix));
    }
}
