using System.Text.Json;
using System.Text.Json.Nodes;

namespace OaiqPixel.TestSupport;

/// <summary>
/// One <c>oaiq(…);</c> call of a rendered pixel script, read back: the script writer writes one call per line, and every
/// argument is a JSON literal, so the arguments between the parentheses are a JSON array's items.
/// </summary>
/// <param name="Text">The call as written, for example <c>oaiq("consent",false);</c>.</param>
/// <param name="Command">The first argument: <c>init</c>, <c>consent</c>, <c>measure</c>, …</param>
/// <param name="EventName">The event name of a <c>measure</c> call (its second argument).</param>
/// <param name="EventId">The <c>event_id</c> option of a <c>measure</c> call (its fourth argument).</param>
/// <param name="Arguments">Every argument, as a JSON array.</param>
public sealed record PixelCall(string Text, string Command, string? EventName, string? EventId, JsonElement Arguments)
{
    /// <summary>The arguments as a mutable JSON array, for <see cref="JsonNode.DeepEquals"/> and edits.</summary>
    public JsonArray Nodes => JsonNode.Parse(Arguments.GetRawText())!.AsArray();

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

        using var document = JsonDocument.Parse("[" + text["oaiq(".Length..^2] + "]");
        var args = document.RootElement.Clone();
        var command = args[0].GetString() ?? throw new FormatException($"The command of {call} is null.");
        string? name = null, id = null;
        if (command == "measure")
        {
            name = args[1].GetString();
            if (args.GetArrayLength() > 3 && args[3].ValueKind == JsonValueKind.Object && args[3].TryGetProperty("event_id", out var eventId))
            {
                id = eventId.GetString();
            }
        }

        return new PixelCall(text, command, name, id, args);
    }

    private static bool IsCall(string line) =>
        line.StartsWith("oaiq(", StringComparison.Ordinal) && line.EndsWith(");", StringComparison.Ordinal);
}
