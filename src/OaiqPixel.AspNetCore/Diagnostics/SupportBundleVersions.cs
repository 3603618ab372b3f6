namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>The support bundle's versions.</summary>
/// <param name="Packages">Each OaiqPixel package loaded in the process, by package name, with its informational version.</param>
/// <param name="Runtime">The .NET runtime, e.g. <c>.NET 10.0.12</c>.</param>
/// <param name="AspNetCore">The ASP.NET Core shared framework's version.</param>
/// <param name="Os">The operating system's description.</param>
/// <param name="Architecture">The process architecture, e.g. <c>X64</c>.</param>
internal sealed record SupportBundleVersions(
    IReadOnlyDictionary<string, string> Packages,
    string Runtime,
    string AspNetCore,
    string Os,
    string Architecture);
