namespace OaiqPixel.ReliabilityTests.Infrastructure;

/// <summary>
/// Tests that measure time and managed memory run alone, after the parallel ones, so other tests' allocations and
/// CPU do not blur their numbers.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial (timing and memory)";
}
