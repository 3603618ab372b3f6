using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.Testing;
using Polly;
using Polly.Registry;
using Polly.Retry;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

/// <summary>
/// Polly logs every attempt of a resilience pipeline at Information; for the Conversions API client a successful attempt
/// is Debug (no log line per batch with the templates' levels), a retried failure still warns, and the app's own
/// pipelines keep Polly's levels.
/// </summary>
public sealed class ResilienceLogLevelTests
{
    [Fact]
    public async Task Send_Succeeds_PollyLogsTheAttemptAtDebugOnly()
    {
        // Arrange
        await using var h = await ServerLegHost.StartAsync();

        // Act
        h.EnqueueAll(TestEvents.Orders(2, DateTimeOffset.UtcNow));
        await h.Api.WaitForEventsAsync(2, TimeSpan.FromSeconds(10));
        await h.WaitForLogAsync(110);

        // Assert
        var attempt = Assert.Single(Attempts(h.Logs));
        Assert.Equal(LogLevel.Debug, attempt.Level);
        Assert.Contains("Result: '200'", attempt.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Logs.GetSnapshot(), r => r.Category == "Polly" && r.Level >= LogLevel.Information);
    }

    [Fact]
    public async Task Send_RetriedAfterA503_PollyStillWarnsAboutTheFailedAttempt()
    {
        // Arrange
        await using var h = await ServerLegHost.StartAsync();
        h.Api.EnqueueFault(Fault.Status(503));

        // Act
        h.EnqueueAll(TestEvents.Orders(2, DateTimeOffset.UtcNow));
        await h.Api.WaitForEventsAsync(2, TimeSpan.FromSeconds(10));
        await h.WaitForLogAsync(110);

        // Assert: the 503 attempt is a warning; the retry that succeeded is Debug.
        var attempts = Attempts(h.Logs);
        Assert.Equal(2, attempts.Count);
        Assert.Equal(LogLevel.Warning, attempts[0].Level);
        Assert.Contains("Result: '503'", attempts[0].Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Debug, attempts[1].Level);
        Assert.Contains("Result: '200'", attempts[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AppPipeline_Succeeds_KeepsPollysInformationLevel()
    {
        // Arrange: the app's own pipeline in the same container as the Conversions API client.
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddOaiqConversionsApi();
        services.AddResiliencePipeline("app-pipeline", pipeline => pipeline.AddRetry(new RetryStrategyOptions()));
        using var provider = services.BuildServiceProvider();
        var pipeline = provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline("app-pipeline");

        // Act
        var result = pipeline.Execute(static () => 42);

        // Assert
        Assert.Equal(42, result);
        var attempt = Assert.Single(Attempts(provider.GetFakeLogCollector()));
        Assert.Equal(LogLevel.Information, attempt.Level);
        Assert.Contains("app-pipeline", attempt.Message, StringComparison.Ordinal);
    }

    /// <summary>Polly's "Execution attempt" records, in order.</summary>
    private static List<FakeLogRecord> Attempts(FakeLogCollector logs) =>
        [.. logs.GetSnapshot().Where(r => r.Category == "Polly" && r.Message.StartsWith("Execution attempt.", StringComparison.Ordinal))];
}
