using OaiqPixel.Testing;

namespace OaiqPixel.ReliabilityTests.FaultInjection;

/// <summary>One row of the fault-injection table: what the API does wrong and how the events are fed.</summary>
internal sealed class FaultScenario
{
    public required string Key { get; init; }

    public required string Name { get; init; }

    public int ValidEvents { get; init; } = 10_000;

    /// <summary>Events the fake API rejects (400 for the whole batch), at seeded random positions among the valid ones.</summary>
    public int PoisonEvents { get; init; }

    /// <summary>Overrides of <see cref="ServerLegHost.Settings"/>.</summary>
    public Dictionary<string, string?> Settings { get; init; } = [];

    /// <summary>Faults queued on the fake before the first request.</summary>
    public Action<FakeConversionsApi, Random>? Arrange { get; init; }

    /// <summary>Runs alongside the feeding (e.g. stop listening for a while, fix the key).</summary>
    public Func<FakeConversionsApi, ServerLegHost, Task>? During { get; init; }

    /// <summary>Feed the events evenly over this time (sustained input) instead of all at once.</summary>
    public TimeSpan FeedOver { get; init; }

    /// <summary>Duplicates are expected only where the API saved a batch and the answer was lost.</summary>
    public int MaxDuplicates { get; init; }

    /// <summary>A queue smaller than the input: drops are expected, and must be counted exactly.</summary>
    public bool DropsExpected { get; init; }

    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Run the sender, the resilience handler and the fake API on one fake clock, driven forward while the scenario runs,
    /// so <see cref="Verify"/> can check waits (a <c>Retry-After</c>) on the requests' arrival times without real time.
    /// </summary>
    public bool FakeClock { get; init; }

    /// <summary>Secrets besides the configured key that must never be logged (e.g. a wrong key).</summary>
    public string[] MoreSecrets { get; init; } = [];

    /// <summary>Extra checks on the recorded requests once everything arrived (their arrival times are on the fake clock with <see cref="FakeClock"/>).</summary>
    public Action<FakeConversionsApi>? Verify { get; init; }
}
