namespace OaiqPixel.ReliabilityTests.Outbox;

/// <summary>An order of the outbox child process: its number is its conversion's event id.</summary>
public sealed class OutboxTargetOrder
{
    public long Id { get; set; }

    public string Number { get; set; } = string.Empty;
}
