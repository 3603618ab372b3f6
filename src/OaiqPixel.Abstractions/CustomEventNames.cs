using OaiqPixel.Text;

namespace OaiqPixel;

/// <summary>Validates <c>custom_event_name</c> values.</summary>
/// <remarks>
/// A name has 1–64 characters: lowercase letters, digits, <c>_</c> and <c>-</c>, starting and ending with a letter
/// or digit, and is not a standard event name. OpenAI's docs allow uppercase, but the pixel silently drops
/// names with uppercase letters while the Conversions API lowercases them, so the two legs would stop
/// deduplicating; this library therefore refuses uppercase and suggests the lowercase form.
/// </remarks>
public static class CustomEventNames
{
    /// <summary>The longest allowed name.</summary>
    public const int MaxLength = 64;

    // Upper case too, so that an uppercase name gets the message that suggests its lowercase form.
    private static readonly System.Buffers.SearchValues<char> s_nameCharactersAnyCase =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-");

    /// <summary>Checks a name and explains the first rule it breaks.</summary>
    /// <param name="name">The candidate name.</param>
    /// <param name="error">Why the name is refused, or <see langword="null"/> when it is valid.</param>
    /// <returns><see langword="true"/> when the name is valid.</returns>
    public static bool TryValidate(string? name, out string? error)
    {
        error = Check(name);
        return error is null;
    }

    /// <summary>Throws when a name is not valid.</summary>
    /// <param name="name">The candidate name.</param>
    /// <param name="paramName">The parameter to name in the exception.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentException">The name breaks a rule; the message says which and how to fix it.</exception>
    public static string Validate(string? name, string paramName = "customEventName")
    {
        var error = Check(name);
        return error is null ? name! : throw new ArgumentException(error, paramName);
    }

    private static string? Check(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A custom event needs a custom_event_name of 1-64 characters (lowercase letters, digits, '_' and '-').";
        }

        if (name.Length > MaxLength)
        {
            return $"custom_event_name is {name.Length} characters long; the limit is {MaxLength}.";
        }

        var other = name.AsSpan().IndexOfAnyExcept(s_nameCharactersAnyCase);
        if (other >= 0)
        {
            return $"custom_event_name '{TextChecks.Printable(name, 64)}' contains '{TextChecks.Printable(name[other].ToString(), 64)}'; use only lowercase letters, digits, '_' and '-'.";
        }

        if (name.AsSpan().ContainsAnyInRange('A', 'Z'))
        {
            return $"custom_event_name '{name}' contains uppercase letters, which the pixel silently drops while the Conversions API lowercases them (a silent deduplication break); use '{name.ToLowerInvariant()}'.";
        }

        if (!IsAlphanumeric(name[0]) || !IsAlphanumeric(name[^1]))
        {
            return $"custom_event_name '{name}' must start and end with a letter or digit.";
        }

        if (OaiqEventNames.TryGetDataType(name, out _))
        {
            return $"custom_event_name '{name}' is a standard event name; send the standard event instead of a custom one.";
        }

        return null;
    }

    private static bool IsAlphanumeric(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';
}
