using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Seams;

/// <summary>
/// The sink keys: a store in front of the in-memory queue receives the request's events from the request's own
/// services (<see cref="ConversionEventSinkKeys.RequestEvents"/>), and can still reach the queue
/// (<see cref="ConversionEventSinkKeys.InMemoryQueue"/>) for what it does not keep.
/// </summary>
public sealed class RequestEventSinkTests
{
    [Fact]
    public async Task KeyedRequestSink_ReceivesTrackedEventsAndThePageView_FromTheRequestsScope()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(services: s =>
        {
            s.AddSingleton<ScopedSinkLog>();
            s.AddKeyedScoped<IConversionEventSink, ScopedSink>(ConversionEventSinkKeys.RequestEvents);
        });
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_1");

        // Act
        var page = await app.CreateClient().GetAsync("/page");
        await TestApp.ParseAsync(page);

        // Assert: both of the request's events went to one scoped instance; the default sink got none.
        var received = app.Services.GetRequiredService<ScopedSinkLog>().Received;
        Assert.Equal(["lead_created", "page_viewed"], received.Select(r => r.Event.Event.Name).Order());
        Assert.Single(received.Select(r => r.Instance).Distinct());
        Assert.Empty(app.Sink.Events);
    }

    [Fact]
    public async Task WithoutAKeyedRequestSink_TrackedEventsGoToTheDefaultSink()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();
        app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.LeadCreated(), "lead_1");

        // Act
        await TestApp.ParseAsync(await app.CreateClient().GetAsync("/page"));

        // Assert
        Assert.Equal(["lead_created", "page_viewed"], app.Sink.Events.Select(e => e.Event.Name).Order());
    }

    [Fact]
    public async Task TrackOutsideARequest_GoesToTheDefaultSink_NotTheRequestSink()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(
            o => o.BackgroundActionSource = ActionSource.Other,
            s =>
            {
                s.AddSingleton<ScopedSinkLog>();
                s.AddKeyedScoped<IConversionEventSink, ScopedSink>(ConversionEventSinkKeys.RequestEvents);
            });

        // Act
        using (var scope = app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<IConversionTracker>().Track(OaiqEvent.LeadCreated(), "lead_job_1");
        }

        // Assert
        Assert.Equal("lead_job_1", Assert.Single(app.Sink.Events).Id);
        Assert.Empty(app.Services.GetRequiredService<ScopedSinkLog>().Received);
    }

    [Fact]
    public async Task InMemoryQueue_IsRegisteredUnderItsKey_EvenWhenTheDefaultSinkIsReplaced()
    {
        // Arrange: the test app registers its own IConversionEventSink.
        await using var app = await TestApp.StartAsync();

        // Act
        var keyed = app.Services.GetRequiredKeyedService<IConversionEventSink>(ConversionEventSinkKeys.InMemoryQueue);

        // Assert
        Assert.IsType<ConversionEventQueue>(keyed);
        Assert.Same(app.Services.GetRequiredService<ConversionEventQueue>(), keyed);
        Assert.IsType<CapturingSink>(app.Services.GetRequiredService<IConversionEventSink>());
    }

    [Fact]
    public void InMemoryQueue_WithoutAReplacement_IsAlsoTheDefaultSink()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOaiqTracking(o => o.PixelId = "px_1");
        using var provider = services.BuildServiceProvider();

        // Act
        var keyed = provider.GetRequiredKeyedService<IConversionEventSink>(ConversionEventSinkKeys.InMemoryQueue);

        // Assert
        Assert.Same(provider.GetRequiredService<IConversionEventSink>(), keyed);
    }

    /// <summary>Everything the scoped sinks received, with the instance that received it.</summary>
    public sealed class ScopedSinkLog
    {
        public ConcurrentQueue<(ConversionEvent Event, object Instance)> Received { get; } = new();
    }

    /// <summary>A scoped sink, as a store in the app's unit of work would be.</summary>
    public sealed class ScopedSink(ScopedSinkLog log) : IConversionEventSink
    {
        public bool TryEnqueue(ConversionEvent conversionEvent)
        {
            log.Received.Enqueue((conversionEvent, this));
            return true;
        }
    }
}
