namespace OaiqPixel.AspNetCore.Tests.Registration;

/// <summary>
/// Tests that turn a feature switch off (an <see cref="AppContext"/> switch of the whole process) run alone, after the
/// parallel ones, so no other test sees a feature missing.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FeatureSwitchCollection
{
    public const string Name = "Feature switches (process-wide)";
}
