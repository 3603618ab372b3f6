using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Seams;

/// <summary>
/// <see cref="IConversionEventStore"/>: every server-leg event takes one pipeline and reaches the store as finished
/// records, one per pixel, with the request whose unit of work it belongs to, or none.
/// </summary>
public sealed class ConversionEventStoreTests
{
    private const string Brand = "px_brand";
    private const string Agency = "px_agency";

    [Fact]
    public async Task RequestEvents_ReachTheStoreWithTheirRequest()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_1");

        // Act
        await TestApp.ParseAsync(await app.CreateClient().GetAsync("/page"));

        // Assert: the tracked event and the page view, both in the request's unit of work (the same request).
        var records = app.Sink.Records;
        Assert.Equal(["lead_created", "page_viewed"], records.Select(r => r.Record.EventType).Order());
        Assert.All(records, r => Assert.NotNull(r.Request));
        Assert.Single(records.Select(r => r.Request).Distinct());
        Assert.Equal("lead_1", records.Single(r => r.Record.EventType == "lead_created").Record.Id);
    }

    [Fact]
    public async Task OneEventForTwoPixels_IsWrittenOnce_AndStoredOncePerPixelWithOneId()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o =>
        {
            o.PixelId = Brand;
            o.Pixels.Add(new OaiqPixelOptions { PixelId = Agency });
        });
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD")), "order_42");

        // Act
        await TestApp.ParseAsync(await app.CreateClient().GetAsync("/page"));

        // Assert: one record per pixel, in init order, the same id and the same JSON bytes (written once, shared).
        var records = app.Sink.Records.Select(r => r.Record).Where(r => r.Id == "order_42").ToList();
        Assert.Equal([Brand, Agency], records.Select(r => r.PixelId));
        Assert.True(MemoryMarshal.TryGetArray(records[0].Json, out var first));
        Assert.True(MemoryMarshal.TryGetArray(records[1].Json, out var second));
        Assert.Same(first.Array, second.Array);
    }

    [Fact]
    public async Task TheSinkUsedDirectly_FeedsTheSamePipeline_OutsideAnyUnitOfWork_ToEveryConfiguredPixel()
    {
        // Arrange: a webhook endpoint reporting a server-only event.
        await using var app = await TestApp.StartAsync(
            o => o.Pixels.Add(new OaiqPixelOptions { PixelId = Agency }),
            endpoints: web => web.MapPost("/webhook", (IConversionEventSink sink, TimeProvider time) =>
                sink.TryEnqueue(new ConversionEvent(OaiqEvent.LeadCreated(), "crm_9", time.GetUtcNow()) { ActionSource = ActionSource.Offline })
                    ? Results.Ok()
                    : Results.StatusCode(500)));

        // Act
        var response = await app.CreateClient().PostAsync("/webhook", null);

        // Assert
        response.EnsureSuccessStatusCode();
        var records = app.Sink.Records.Where(r => r.Record.Id == "crm_9").ToList();
        Assert.Equal([TestApp.PixelId, Agency], records.Select(r => r.Record.PixelId));
        Assert.All(records, r => Assert.Null(r.Request));
    }

    [Fact]
    public async Task TrackOutsideARequest_ReachesTheStoreWithoutARequest()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o => o.BackgroundActionSource = ActionSource.Other);

        // Act
        using (var scope = app.Services.CreateScope())
        {
            Assert.Equal("lead_job_1", scope.ServiceProvider.GetRequiredService<IConversionTracker>().Track(OaiqEvent.LeadCreated(), "lead_job_1"));
        }

        // Assert
        var (record, request) = Assert.Single(app.Sink.Records);
        Assert.Equal(("lead_job_1", TestApp.PixelId), (record.Id, record.PixelId));
        Assert.Null(request);
    }

    [Fact]
    public async Task TrackOutsideARequest_AnEventNoLegTakes_ReturnsNull_AndIsNotStored()
    {
        // Arrange: no background action source, so the event lacks the source_url a web event needs.
        await using var app = await TestApp.StartAsync();

        // Act
        string? id;
        using (var scope = app.Services.CreateScope())
        {
            id = scope.ServiceProvider.GetRequiredService<IConversionTracker>().Track(OaiqEvent.LeadCreated(), "lead_job_2");
        }

        // Assert: the caller is not told it was recorded; the pipeline said why (102), the tracker that it returned null (9).
        Assert.Null(id);
        Assert.Empty(app.Sink.Records);
        var logs = app.Logs.GetSnapshot();
        Assert.Contains(logs, l => l.Id.Id == 102 && l.Message.Contains("lead_job_2", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Id.Id == 9 && l.Message.Contains("lead_job_2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AStoreThatThrows_NeverFailsThePage()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(services: s => s.AddSingleton<IConversionEventStore, ThrowingStore>());
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_3");

        // Act
        var page = await app.CreateClient().GetAsync("/page");

        // Assert: the browser leg still renders the event; the store's failure is logged (7).
        var script = (await TestApp.ParseAsync(page)).QuerySelector("script")!.TextContent;
        Assert.Contains("\"lead_3\"", script, StringComparison.Ordinal);
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Id.Id == 7);
    }

    [Fact]
    public async Task InMemoryQueue_IsRegisteredUnderItsKey_WhenAnotherStoreIsUsed()
    {
        // Arrange: the test app registers its own store.
        await using var app = await TestApp.StartAsync();

        // Act
        var keyed = app.Services.GetRequiredKeyedService<IConversionEventStore>(IConversionEventStore.InMemoryKey);

        // Assert
        Assert.Same(app.Services.GetRequiredService<ConversionEventQueue>(), keyed);
        Assert.IsType<CapturingSink>(app.Services.GetRequiredService<IConversionEventStore>());
    }

    private sealed class ThrowingStore : IConversionEventStore
    {
        public bool TryStore(ConversionEvent conversionEvent, ConversionEventRecord record, HttpContext? request) =>
            throw new InvalidOperationException("the store is broken");
    }
}
