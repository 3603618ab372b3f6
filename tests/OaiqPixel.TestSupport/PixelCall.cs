using System.Text.Json;
using System.Text.Json.Nodes;

namespace OaiqPixel.TestSupport;

/// <summary>
/// One <c>oaiq(…);</c> call of a rendered pixel script, read back: the script writer writes one call per line, and every
/// argument is a JSON literal, so the arguments between the parentheses are a JSON array's items.
/// </summary>
/// <param name="Text">The call as written, for example <c>oaiq("consent",false);</c>.</param>
/// <param name="Command">The first argument: <c>init</c>, <c>consent</c>, <c>measure</c>, …</param>
/// <param name="EventName">The event name of a <c>measure</c> call (its second argument; a <c>measureSingle</c> call's third).</param>
/// <param name="EventId">The <c>event_id</c> option of a <c>measure</c> call (its fourth argument; a <c>measureSingle</c> call's fifth).</param>
/// <param name="Arguments">Every argument, as a JSON array.</param>
public sealed record PixelCall(string Text, string Command, string? EventName, string? EventId, JsonElement Arguments)
{
    /// <summary>The arguments as a mutable JSON array, for <see cref="JsonNode.DeepEquals"/> and edits.</summary>
    public JsonArray Nodes => JsonNode.Parse(Arguments.GetRawText())!.AsArray();

    /// <summary>The pixel a <c>measureSingle</c> call is aimed at, or the pixel an <c>init</c> call initializes; <see langword="null"/> otherwise.</summary>
    public string? PixelId => Command switch
    {
        "measureSingle" when Arguments.GetArrayLength() > 1 && Arguments[1].ValueKind == JsonValueKind.String => Arguments[1].GetString(),
        "init" when Arguments.GetArrayLength() > 1 && Arguments[1].ValueKind == JsonValueKind.Object && Arguments[1].TryGetProperty("pixelId", out var pixel) => pixel.GetString(),
        _ => null,
    };

    /// <summary>Every call of a pixel script, in order; the loader and any other line are skipped.</summary>
    /// <param name="script">The text of the pixel's <c>&lt;script&gt;</c>, or <see langword="null"/> for a page without one.</param>
    /// <returns>The calls; empty for no script.</returns>
    public static IReadOnlyList<PixelCall> Parse(string? script)
    {
        var calls = new List<PixelCall>();
        foreach (var line in (script ?? string.Empty).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (IsCall(line))
            {
                calls.Add(ParseCall(line));
            }
        }

        return calls;
    }

    /// <summary>The text of every call of a pixel script, in order (see <see cref="Parse"/>).</summary>
    /// <param name="script">The text of the pixel's <c>&lt;script&gt;</c>.</param>
    /// <returns>The calls as written.</returns>
    public static IReadOnlyList<string> Lines(string? script) => [.. Parse(script).Select(call => call.Text)];

    /// <summary>Reads one call, as the script writer writes it (a trailing line break is allowed).</summary>
    /// <param name="call">One <c>oaiq(…);</c> line.</param>
    /// <returns>The call.</returns>
    /// <exception cref="FormatException"><paramref name="call"/> is not one <c>oaiq(…);</c> call.</exception>
    public static PixelCall ParseCall(string call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var text = call.Trim();
        if (!IsCall(text))
        {
            throw new FormatException($"Not an oaiq(…); call: {call}");
        }

        JsonElement args;
        try
        {
            using var document = JsonDocument.Parse("[" + text["oaiq(".Length..^2] + "]");
            args = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The arguments of {call} are not JSON literals: {ex.Message}", ex);
        }

        if (args.GetArrayLength() == 0 || args[0].ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"The first argument of {call} is not a command name.");
        }

        var command = args[0].GetString()!;
        string? name = null, id = null;
        if (command == "measureSingle")
        {
            // The Pixel ID is inserted before the event name (spec §1.7).
            name = args.GetArrayLength() > 2 && args[2].ValueKind == JsonValueKind.String ? args[2].GetString() : null;
            if (args.GetArrayLength() > 4 && args[4].ValueKind == JsonValueKind.Object && args[4].TryGetProperty("event_id", out var singleId) && singleId.ValueKind == JsonValueKind.String)
            {
                id = singleId.GetString();
            }
        }
        else if (command == "measure")
        {
            name = args.GetArrayLength() > 1 && args[1].ValueKind == JsonValueKind.String ? args[1].GetString() : null;
            if (args.GetArrayLength() > 3 && args[3].ValueKind == JsonValueKind.Object && args[3].TryGetProperty("event_id", out var eventId) && eventId.ValueKind == JsonValueKind.String)
            {
                id = eventId.GetString();
            }
        }

        return new PixelCall(text, command, name, id, args);
    }

    /// <summary>Reads one call if <paramref name="call"/> is one (see <see cref="ParseCall"/>), without throwing.</summary>
    /// <param name="call">A line of a pixel script.</param>
    /// <param name="parsed">The call, or <see langword="null"/>.</param>
    /// <returns>Whether <paramref name="call"/> is one well-formed <c>oaiq(…);</c> call.</returns>
    public static bool TryParseCall(string call, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PixelCall? parsed)
    {
        try
        {
            parsed = ParseCall(call);
            return true;
        }
        catch (FormatException)
        {
            parsed = null;
            return false;
        }
    }

    private static bool IsCall(string line) =>
        line.StartsWith("oaiq(", StringComparison.Ordinal) && line.EndsWith(");", StringComparison.Ordinal);
}
