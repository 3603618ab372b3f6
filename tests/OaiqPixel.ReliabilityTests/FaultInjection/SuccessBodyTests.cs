using OaiqPixel.ReliabilityTests.Infrastructure;

namespace OaiqPixel.ReliabilityTests.FaultInjection;

/// <summary>
/// A 200 counts only when the whole answer arrived. Found by the fault suite: the client returned "delivered" as soon
/// as the status line was read (ResponseHeadersRead), so a connection cut in the middle of a 200's body lost the batch,
/// and a body that never finished would have held the sender with no timeout at all.
/// </summary>
public sealed class SuccessBodyTests
{
    [Theory]
    [InlineData(RawHttpServer.Behaviour.TruncatedBody)]
    [InlineData(RawHttpServer.Behaviour.StalledBody)]
    public async Task SuccessStatus_WithABrokenBody_IsRetriedAndNothingIsLost(RawHttpServer.Behaviour broken)
    {
        // Arrange: the first answer is broken, every later one is fine.
        await using var server = new RawHttpServer(broken);
        var settings = new Dictionary<string, string?>
        {
            ["Oaiq:PixelId"] = "px_raw",
            ["Oaiq:ConversionsApi:ApiKey"] = "sk-svcacct-raw-server-key",
            ["Oaiq:ConversionsApi:BaseAddress"] = server.BaseAddress.ToString(),
            ["Oaiq:ConversionsApi:FlushInterval"] = "00:00:00.020",
            // Long enough that a cold first request (JIT, connection) on a busy machine gets its headers within one
            // attempt: otherwise the attempt timeout, not the body check, ends the broken answer and Polly's own retry
            // hides it (seen in CI).
            ["Oaiq:ConversionsApi:RequestTimeout"] = "00:00:02",
            ["Oaiq:ConversionsApi:TotalRequestTimeout"] = "00:00:08",
            ["Oaiq:ConversionsApi:RetryDelay"] = "00:00:00.010",
            ["Oaiq:ConversionsApi:MaxRetryDelay"] = "00:00:00.100",
            ["Oaiq:ConversionsApi:BackoffDelay"] = "00:00:00.010",
            ["Oaiq:ConversionsApi:MaxBackoffDelay"] = "00:00:00.100",
        };
        await using var host = await ServerLegHost.StartAsync(configuration: settings);
        var ids = Enumerable.Range(0, 50).Select(i => Events.Id("raw_", i)).ToList();

        // Act
        foreach (var id in ids)
        {
            Assert.True(host.Sink.TryEnqueue(Events.Order(id, DateTimeOffset.UtcNow)));
        }

        await Wait.UntilAsync(
            () => server.AcceptedIds.Count >= ids.Count,
            "every event accepted after the broken answer",
            () => $"{server.AcceptedIds.Count} of {ids.Count} accepted in {server.Requests} request(s)");

        // Assert: resent (same ids) after the broken answer; the stalled body was cut by the body timeout (a stall that
        // held the sender would never have let the resend happen), and the failure says why.
        Assert.Equal(ids.ToHashSet(), server.AcceptedIds.ToHashSet());
        Assert.True(server.Requests >= 2, $"{server.Requests} request(s): the broken 200 was counted as delivered.");
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 115 && r.Message.Contains("cut before the whole response arrived", StringComparison.Ordinal));
    }
}
