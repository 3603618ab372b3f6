using System.Text.Json.Serialization;

namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>Writes the <see cref="SupportBundle"/> shape as indented snake-case JSON, without reflection (the package is trimmable and AOT-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SupportBundle))]
internal sealed partial class SupportBundleJsonContext : JsonSerializerContext;
