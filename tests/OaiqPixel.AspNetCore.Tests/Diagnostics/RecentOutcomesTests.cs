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

    [Theory]
    [InlineData(400, "Invalid oppref 'gAAAA-secret-click' for events[0]; \"b4c9a289\" is not a digest")]
    [InlineData(400, "Invalid oppref \"gAAAA-secret-click…")]
    [InlineData(null, "no Conversions API key is configured for pixel gAAAA-secret-click")]
    public void Add_AnyMessage_KeepsNoTextOfIt(int? status, string message)
    {
        // Arrange: an API that echoes what it refused (quoted, cut before its closing quote, unquoted), and the library's
        // own message naming the pixel.
        var ring = new RecentOutcomes(TimeProvider.System);

        // Act
        ring.Add(new SendResult(status is null ? SendOutcome.Unauthorized : SendOutcome.Rejected, status, message, "req_1", null), eventCount: 1);

        // Assert: the outcome, the status and the request id; no field of the kept answer holds the text.
        var kept = Assert.Single(ring.Snapshot());
        Assert.Equal(status, kept.StatusCode);
        Assert.Equal("req_1", kept.RequestId);
        Assert.DoesNotContain("secret", kept.ToString(), StringComparison.Ordinal);
    }
}
