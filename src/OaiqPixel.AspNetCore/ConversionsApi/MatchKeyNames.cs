using System.Text.Json;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The <c>oaiq.match_key</c> attribute values: each <see cref="ConversionEventMatchKeys"/> flag's name in snake case
/// (<c>oppref</c>, <c>email</c>, <c>external_id</c>, <c>ip_address</c>, …), by bit position, made once.
/// </summary>
internal static class MatchKeyNames
{
    private static readonly string[] s_names = Create();

    /// <summary>The name of the flag at <paramref name="bit"/> (0 for <see cref="ConversionEventMatchKeys.Oppref"/>).</summary>
    public static string Get(int bit) => s_names[bit];

    private static string[] Create()
    {
        var flags = Enum.GetValues<ConversionEventMatchKeys>().Where(static k => k != ConversionEventMatchKeys.None).ToArray();
        var names = new string[flags.Length];
        foreach (var flag in flags)
        {
            names[System.Numerics.BitOperations.TrailingZeroCount((uint)flag)] = JsonNamingPolicy.SnakeCaseLower.ConvertName(flag.ToString());
        }

        return names;
    }
}
