/// <summary>An order of the benchmarks' shop: its number is its conversion's event id.</summary>
public sealed class OutboxBenchOrder
{
    public long Id { get; set; }

    public string Number { get; set; } = string.Empty;

    public long TotalMinor { get; set; }
}
