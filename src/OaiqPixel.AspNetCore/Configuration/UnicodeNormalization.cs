using System.Text;

namespace OaiqPixel.AspNetCore.Configuration;

/// <summary>Whether this process can put text in Unicode NFC, which <see cref="UserDataNormalizer"/> applies before hashing.</summary>
internal static class UnicodeNormalization
{
    /// <summary>
    /// <see langword="false"/> in globalization-invariant mode: there .NET has no normalization data and
    /// <see cref="string.IsNormalized(NormalizationForm)"/> calls any text normalized, so <c>e</c> + U+0301 stays
    /// decomposed. Probed rather than read from the runtime switch, so it holds however the mode was chosen (project
    /// property, runtimeconfig.json or the <c>DOTNET_SYSTEM_GLOBALIZATION_INVARIANT</c> environment variable).
    /// </summary>
    public static bool IsAvailable { get; } = !"e\u0301".IsNormalized(NormalizationForm.FormC);
}
