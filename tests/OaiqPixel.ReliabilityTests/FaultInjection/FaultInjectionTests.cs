using OaiqPixel.ReliabilityTests.Infrastructure;
using OaiqPixel.Testing;

namespace OaiqPixel.ReliabilityTests.FaultInjection;

/// <summary>
/// Issue 7's fault matrix: 10,000 valid events per scenario through the real server leg (<c>AddOaiqTracking</c>, the
/// hosted sender, the typed HttpClient with the standard resilience handler) against the loopback fake Conversions
/// API. Every scenario must deliver every accepted valid event, isolate and report every poison event, keep the queue
/// within its bound, leak nothing into the logs, and give its memory back.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class FaultInjectionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Baseline_HealthyApi() => Check(await Run(new FaultScenario { Key = "00", Name = "healthy API (baseline)" }));

    [Fact]
    public async Task Http5xx_Bursts() => Check(await Run(new FaultScenario
    {
        Key = "01",
        Name = "500/502/503/504 bursts (1–6 in a row, 16 bursts)",
        Arrange = (api, random) =>
        {
            int[] codes = [500, 502, 503, 504];
            for (var burst = 0; burst < 16; burst++)
            {
                api.EnqueueFault(Fault.Status(codes[burst % 4]), count: random.Next(1, 7));
                api.EnqueueFault(Fault.None, count: random.Next(0, 3));
            }
        },
    }));

    [Fact]
    public async Task Http429_WithRetryAfter() => Check(await Run(new FaultScenario
    {
        Key = "02",
        Name = "429 with Retry-After: 1 (3 bursts of 2)",
        // Retry-After is honoured up to MaxRetryDelay (HTTP retries) and MaxBackoffDelay (the sender); let it reach the 1 s the API asks for.
        Settings = new() { ["Oaiq:ConversionsApi:MaxRetryDelay"] = "00:00:02", ["Oaiq:ConversionsApi:MaxBackoffDelay"] = "00:00:02" },
        // The waits run on a fake clock that the fake API stamps arrivals with: the gaps below are the clock's, not the machine's.
        FakeClock = true,
        Arrange = (api, _) =>
        {
            for (var burst = 0; burst < 3; burst++)
            {
                api.EnqueueFault(Fault.Status(429, retryAfter: TimeSpan.FromSeconds(1)), count: 2);
                api.EnqueueFault(Fault.None, count: 3);
            }
        },
        Verify = api =>
        {
            var requests = api.Requests;
            for (var i = 0; i < requests.Count - 1; i++)
            {
                if (requests[i].StatusCode == 429)
                {
                    var gap = requests[i + 1].ReceivedAt - requests[i].ReceivedAt;
                    Assert.True(gap >= TimeSpan.FromSeconds(1), $"Request {i + 1} came {gap.TotalMilliseconds:F0} ms (on the fake clock) after a 429 asking for 1 s.");
                }
            }
        },
    }));

    [Fact]
    public async Task Http429_WithoutRetryAfter() => Check(await Run(new FaultScenario
    {
        Key = "03",
        Name = "429 without Retry-After (10 bursts of 1–8)",
        Arrange = (api, random) =>
        {
            for (var burst = 0; burst < 10; burst++)
            {
                api.EnqueueFault(Fault.Status(429), count: random.Next(1, 9));
                api.EnqueueFault(Fault.None, count: random.Next(0, 3));
            }
        },
    }));

    [Fact]
    public async Task Http408_Bursts() => Check(await Run(new FaultScenario
    {
        Key = "04",
        Name = "408 bursts (10 bursts of 1–6)",
        Arrange = (api, random) =>
        {
            for (var burst = 0; burst < 10; burst++)
            {
                api.EnqueueFault(Fault.Status(408), count: random.Next(1, 7));
                api.EnqueueFault(Fault.None, count: random.Next(0, 3));
            }
        },
    }));

    [Fact]
    public async Task Hangs_PastTheAttemptTimeout() => Check(await Run(new FaultScenario
    {
        Key = "05",
        Name = "hangs past the 300 ms attempt timeout (8 hangs of 30 s)",
        Settings = new() { ["Oaiq:ConversionsApi:RequestTimeout"] = "00:00:00.300", ["Oaiq:ConversionsApi:TotalRequestTimeout"] = "00:00:03" },
        Arrange = (api, random) =>
        {
            for (var i = 0; i < 8; i++)
            {
                api.EnqueueFault(Fault.Hang(TimeSpan.FromSeconds(30)), count: random.Next(1, 3));
                api.EnqueueFault(Fault.None, count: random.Next(1, 3));
            }
        },
    }));

    [Fact]
    public async Task ConnectionRefused_ThenRecovery() => Check(await Run(new FaultScenario
    {
        Key = "06",
        Name = "connection refused until the sender has failed 5 times, then recovery",
        FeedOver = TimeSpan.FromSeconds(1),
        During = async (api, host) =>
        {
            await api.StopListeningAsync();
            await Wait.UntilAsync(
                () => host.Logs.GetSnapshot().Count(r => r.Id.Id == 115) >= 5,
                "five failed sends (log 115) while the API refuses connections",
                () => $"{host.Logs.GetSnapshot().Count(r => r.Id.Id == 115)} failed send(s)");
            await api.ResumeListeningAsync();
        },
    }));

    [Fact]
    public async Task ConnectionReset_MidResponseBody() => Check(await Run(new FaultScenario
    {
        Key = "07",
        Name = "connection reset mid-body: status line + headers + part of the body, batch not saved (10)",
        Arrange = (api, random) =>
        {
            for (var i = 0; i < 10; i++)
            {
                api.EnqueueFault(Fault.ResetConnection(processRequest: false, afterHeaders: true));
                api.EnqueueFault(Fault.None, count: random.Next(0, 3));
            }
        },
    }));

    [Fact]
    public async Task ConnectionReset_BeforeAnyResponse() => Check(await Run(new FaultScenario
    {
        Key = "08",
        Name = "connection reset before any response byte, batch not saved (10)",
        Arrange = (api, random) =>
        {
            for (var i = 0; i < 10; i++)
            {
                api.EnqueueFault(Fault.ResetConnection());
                api.EnqueueFault(Fault.None, count: random.Next(0, 3));
            }
        },
    }));

    [Fact]
    public async Task ConnectionReset_AfterTheApiSavedTheBatch() => Check(await Run(new FaultScenario
    {
        Key = "09",
        Name = "batch saved, then the answer lost (reset; 5) → same-id resends",
        // The only way to deliver a duplicate: the resent batch carries the same ids and timestamps, which the API deduplicates.
        MaxDuplicates = 5 * 500,
        Arrange = (api, random) =>
        {
            for (var i = 0; i < 5; i++)
            {
                api.EnqueueFault(Fault.ResetConnection(processRequest: true, afterHeaders: i % 2 == 0));
                api.EnqueueFault(Fault.None, count: random.Next(1, 3));
            }
        },
    }));

    [Fact]
    public async Task Unauthorized_ThenKeyFixedByConfigurationReload()
    {
        const string wrongKey = "sk-proj-advertiser-key-NOT-for-capi-0000";
        Check(await Run(new FaultScenario
        {
            Key = "10",
            Name = "401 (wrong key) until the key is fixed by a configuration reload",
            Settings = new() { ["Oaiq:ConversionsApi:ApiKey"] = wrongKey },
            MoreSecrets = [wrongKey],
            During = async (api, host) =>
            {
                await api.WaitForRequestsAsync(4, TimeSpan.FromSeconds(20));
                Assert.All(api.Requests, r => Assert.Equal(401, r.StatusCode));
                host.Configuration["Oaiq:ConversionsApi:ApiKey"] = api.ApiKey;
                host.Configuration.Reload();
            },
        }));
    }

    [Fact]
    public async Task PoisonEvents_AtRandomPositions() => Check(await Run(new FaultScenario
    {
        Key = "11",
        Name = "400 for batches holding 40 poison events at random positions",
        PoisonEvents = 40,
    }));

    [Fact]
    public async Task SlowApi_UnderSustainedInput() => Check(await Run(new FaultScenario
    {
        Key = "12",
        Name = "slow API: 1 s per request, input spread over 5 s (batches of 1,000)",
        Settings = new() { ["Oaiq:ConversionsApi:MaxBatchSize"] = "1000", ["Oaiq:ConversionsApi:RequestTimeout"] = "00:00:05", ["Oaiq:ConversionsApi:TotalRequestTimeout"] = "00:00:20" },
        FeedOver = TimeSpan.FromSeconds(5),
        Arrange = (api, _) => api.ResponseDelay = TimeSpan.FromSeconds(1),
    }));

    [Fact]
    public async Task Overload_QueueSmallerThanTheInput_DropsAreCountedAndMemoryStaysBounded() => Check(await Run(new FaultScenario
    {
        Key = "13",
        Name = "overload: MaxQueueSize 2,000, slow API (100 ms), 10,000 at once",
        Settings = new() { ["Oaiq:ConversionsApi:MaxQueueSize"] = "2000" },
        DropsExpected = true,
        Arrange = (api, _) => api.ResponseDelay = TimeSpan.FromMilliseconds(100),
    }));

    [Fact]
    public async Task Chaos_SeededMixOfEveryFault() => Check(await Run(new FaultScenario
    {
        Key = "14",
        Name = "chaos: seeded mix of every fault above + 20 poison events, input over 2 s",
        PoisonEvents = 20,
        FeedOver = TimeSpan.FromSeconds(2),
        MaxDuplicates = 6 * 500,
        Settings = new() { ["Oaiq:ConversionsApi:RequestTimeout"] = "00:00:00.500", ["Oaiq:ConversionsApi:TotalRequestTimeout"] = "00:00:04" },
        Arrange = (api, random) =>
        {
            var saved = 0;
            for (var i = 0; i < 60; i++)
            {
                api.EnqueueFault(random.Next(12) switch
                {
                    0 => Fault.Status(500),
                    1 => Fault.Status(502),
                    2 => Fault.Status(503),
                    3 => Fault.Status(504),
                    4 => Fault.Status(429),
                    5 => Fault.Status(408),
                    6 => Fault.Hang(TimeSpan.FromSeconds(30)),
                    7 => Fault.ResetConnection(afterHeaders: true),
                    8 => Fault.ResetConnection(),
                    9 when saved++ < 6 => Fault.ResetConnection(processRequest: true),
                    _ => Fault.None,
                });
            }
        },
    }));

    private Task<FaultResult> Run(FaultScenario scenario) => FaultScenarioRunner.RunAsync(scenario, output);

    private static void Check(FaultResult r)
    {
        var name = r.Scenario.Name;
        var missing = r.AcceptedValid.Where(id => !r.DeadLetters.Contains(id)).Count() - r.UniqueDelivered;
        Assert.True(r.Lost == 0, $"{name}: {r.Lost} accepted valid events were never delivered (missing {missing}).");
        Assert.True(r.PoisonDelivered == 0, $"{name}: {r.PoisonDelivered} poison events were recorded as delivered.");
        Assert.True(r.DeadLetters.SetEquals(r.AcceptedPoison), $"{name}: dead letters {r.DeadLetters.Count} vs poison {r.AcceptedPoison.Count}; a valid event was dead-lettered or a poison one not reported.");
        Assert.True(r.Duplicates <= r.Scenario.MaxDuplicates, $"{name}: {r.Duplicates} duplicates delivered (at most {r.Scenario.MaxDuplicates} expected).");
        if (r.Scenario.DropsExpected)
        {
            Assert.True(r.Accepted + r.DroppedQueueFull == r.ValidSent, $"{name}: accepted {r.Accepted} + dropped {r.DroppedQueueFull} != sent {r.ValidSent}: a drop was not counted.");
            Assert.True(r.DroppedQueueFull > 0, $"{name}: the overload scenario should have filled the queue.");
        }
        else
        {
            Assert.True(r.Accepted == r.ValidSent, $"{name}: only {r.Accepted} of {r.ValidSent} events were accepted into the queue.");
        }

        Assert.True(r.DroppedOther == 0, $"{name}: {r.DroppedOther} events dropped for another reason (stale, invalid, shutdown).");
        Assert.True(r.MaxQueueLength <= r.QueueBound, $"{name}: queue length reached {r.MaxQueueLength}, above MaxQueueSize + one batch kept for a retry ({r.QueueBound}).");
        Assert.True(r.PeakHeapDeltaMb < 400, $"{name}: managed heap grew by {r.PeakHeapDeltaMb:F0} MB during the scenario.");
        Assert.True(r.RetainedHeapDeltaMb < 24, $"{name}: {r.RetainedHeapDeltaMb:F1} MB of managed memory was still held after the host and the fake were disposed.");

        Assert.True(r.SecretsLogged.Count == 0, $"{name}: {r.SecretsLogged.Count} log lines hold the API key, raw PII, oppref or obref, e.g. {(r.SecretsLogged.Count > 0 ? r.SecretsLogged[0] : "")}");
    }
}
