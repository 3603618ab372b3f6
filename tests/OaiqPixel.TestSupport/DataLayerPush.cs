using System.Text.Json;

namespace OaiqPixel.TestSupport;

/// <summary>Reads the data layer pushes of a pixel script (<c>Oaiq:BrowserLeg</c> <c>DataLayer</c> or <c>Both</c>).</summary>
public static class DataLayerPush
{
    private const string Start = "(window.dataLayer=window.dataLayer||[]).push(";

    /// <summary>Every object pushed, in order; other lines (the loader, <c>oaiq(…)</c> calls) are skipped.</summary>
    /// <param name="script">The text of the pixel's <c>&lt;script&gt;</c>, or <see langword="null"/> for a page without one.</param>
    /// <returns>The pushed objects.</returns>
    /// <exception cref="FormatException">A push's arguments are not JSON literals.</exception>
    public static IReadOnlyList<JsonElement> Parse(string? script)
    {
        var pushes = new List<JsonElement>();
        foreach (var line in (script ?? string.Empty).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith(Start, StringComparison.Ordinal) || !line.EndsWith(");", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse("[" + line[Start.Length..^2] + "]");
                pushes.AddRange(document.RootElement.EnumerateArray().Select(static e => e.Clone()));
            }
            catch (JsonException ex)
            {
                throw new FormatException($"The arguments of {line} are not JSON literals: {ex.Message}", ex);
            }
        }

        return pushes;
    }

    /// <summary>Whether a pushed object is the data layer event <paramref name="name"/> (a reset push has no event).</summary>
    /// <param name="push">A pushed object.</param>
    /// <param name="name">The <c>event</c> value, e.g. <c>purchase</c>.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public static bool IsEvent(JsonElement push, string name) =>
        push.TryGetProperty("event", out var e) && e.ValueEquals(name);

    /// <summary>The pushes of OpenAI events (<c>event: "oaiq_event"</c>), by event id.</summary>
    /// <param name="pushes">Pushed objects.</param>
    /// <returns>Each event id with its <c>oaiq</c> object.</returns>
    public static IReadOnlyDictionary<string, JsonElement> OpenAiEvents(IEnumerable<JsonElement> pushes) =>
        pushes.Where(static p => IsEvent(p, "oaiq_event"))
            .Select(static p => p.GetProperty("oaiq"))
            .ToDictionary(static o => o.GetProperty("event_id").GetString()!, static o => o);
}
