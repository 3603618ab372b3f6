using Microsoft.Extensions.Time.Testing;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Diagnostics;

namespace OaiqPixel.AspNetCore.Tests.Diagnostics;

/// <summary>The support bundle's ring of recent Conversions API answers.</summary>
public sealed class RecentOutcomesTests
{
    [Fact]
    public void Ring_KeepsTheLast50Answers_NewestFirst()
    {
        // Arrange
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero));
        var ring = new RecentOutcomes(clock);

        // Act
        for (var i = 0; i < 60; i++)
        {
            ring.Add(new SendResult(SendOutcome.Delivered, 200, null, $"req_{i}", null), eventCount: i);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var kept = ring.Snapshot();

        // Assert
        Assert.Equal(RecentOutcomes.Capacity, kept.Count);
        Assert.Equal("req_59", kept[0].RequestId);
        Assert.Equal("req_10", kept[^1].RequestId);
        Assert.Equal(59, kept[0].Events);
        Assert.Equal(clock.GetUtcNow() - TimeSpan.FromSeconds(1), kept[0].At);
    }

    [Fact]
    public void Add_AnswerQuotingTheValueItRefused_KeepsTheMessageWithTheQuotedTextMasked()
    {
        // Arrange: an API that echoes the oppref and a digest it refused.
        var ring = new RecentOutcomes(TimeProvider.System);

        // Act
        ring.Add(new SendResult(SendOutcome.Rejected, 400, "Invalid oppref 'gAAAA-secret-click' for events[0]; \"b4c9a289\" is not a digest", "req_1", null), eventCount: 1);

        // Assert
        var outcome = Assert.Single(ring.Snapshot());
        Assert.Equal("Invalid oppref \"…\" for events[0]; \"…\" is not a digest", outcome.Message);
        Assert.Equal("rejected", outcome.Outcome);
        Assert.Equal(400, outcome.StatusCode);
    }
}
