namespace OaiqPixel.ReliabilityTests.FaultInjection;

/// <summary>What one fault scenario delivered, as counted at the fake API and from the sender's callbacks and metrics.</summary>
internal sealed class FaultResult
{
    public required FaultScenario Scenario { get; init; }

    public int ValidSent { get; init; }

    public int Accepted { get; init; }

    public required HashSet<string> AcceptedValid { get; init; }

    public required HashSet<string> AcceptedPoison { get; init; }

    public int UniqueDelivered { get; init; }

    public int PoisonDelivered { get; init; }

    public int Lost => Accepted - UniqueDelivered;

    public int Duplicates { get; init; }

    public required HashSet<string> DeadLetters { get; init; }

    public long DroppedQueueFull { get; init; }

    public long DroppedOther { get; init; }

    public int Requests { get; init; }

    public required string Statuses { get; init; }

    public int MaxQueueLength { get; init; }

    public int QueueBound { get; init; }

    public double PeakHeapDeltaMb { get; init; }

    public double RetainedHeapDeltaMb { get; set; }

    public TimeSpan Elapsed { get; init; }

    /// <summary>Log lines (all levels, message, structured state, exception) holding the key, raw PII, oppref or obref.</summary>
    public required IReadOnlyList<string> SecretsLogged { get; init; }
}
