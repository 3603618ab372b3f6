using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// The outbox and the in-memory queue take the same events: with the outbox on, views keep the in-memory queue and
/// conversions go to the outbox, and the same input gets the same answer and the same log on both (one pipeline checks
/// them before either store sees them).
/// </summary>
public sealed class PathParityTests
{
    [Theory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.PostgreSql)]
    public async Task SameInput_SameOutcomeAndLogId_OnTheOutboxAndTheInMemoryPath(DbProvider provider)
    {
        // Arrange
        await using var app = await OutboxApp.StartAsync(provider, o => o.DispatcherEnabled = false);
        var sink = app.Get<IConversionEventSink>();
        var now = DateTimeOffset.UtcNow;
        var justInside = now - ConversionEventRecord.MaxAge + TimeSpan.FromHours(1);
        var tooOld = now - ConversionEventRecord.MaxAge - TimeSpan.FromHours(1);
        (string Name, Func<string, DateTimeOffset, ConversionEvent> Make)[] paths =
        [
            ("outbox", (id, at) => new ConversionEvent(OaiqEvent.OrderCreated(Money.FromMinorUnits(100, "USD")), id, at) { ActionSource = ActionSource.Other }),
            ("memory", (id, at) => new ConversionEvent(OaiqEvent.PageViewed(), id, at) { ActionSource = ActionSource.Other }),
        ];

        // Act
        var outcomes = paths.Select(p => new
        {
            p.Name,
            Inside = sink.TryEnqueue(p.Make(p.Name + "_inside", justInside)),
            TooOld = sink.TryEnqueue(p.Make(p.Name + "_old", tooOld)),
            Future = sink.TryEnqueue(p.Make(p.Name + "_future", now + TimeSpan.FromDays(1))),
        }).ToList();

        // Assert: the same answers, and each refusal logged under the same id on both paths.
        Assert.All(outcomes, o => Assert.True(o.Inside, o.Name));
        Assert.All(outcomes, o => Assert.False(o.TooOld, o.Name));
        Assert.Equal(outcomes[0].Future, outcomes[1].Future);
        var logs = app.Logs.GetSnapshot();
        int? LogIdFor(string id) => logs.Where(l => l.Level >= LogLevel.Warning && l.Message.Contains(id, StringComparison.Ordinal)).Select(l => (int?)l.Id.Id).FirstOrDefault();
        Assert.NotNull(LogIdFor("outbox_old"));
        Assert.Equal(LogIdFor("outbox_old"), LogIdFor("memory_old"));
        Assert.Equal(LogIdFor("outbox_future"), LogIdFor("memory_future"));
    }
}
