using System.Text.Json;

namespace MvcShop.Tests;

/// <summary>One <c>oaiq(…)</c> call of the pixel script <c>&lt;oaiq-pixel /&gt;</c> rendered.</summary>
public sealed record PixelCall(string Command, string? EventName, string? EventId, JsonElement Arguments)
{
    /// <summary>Parses the calls of a rendered pixel script: one <c>oaiq(…);</c> per line after the loader.</summary>
    public static IReadOnlyList<PixelCall> Parse(string? script)
    {
        var calls = new List<PixelCall>();
        foreach (var line in (script ?? string.Empty).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith("oaiq(", StringComparison.Ordinal) || !line.EndsWith(");", StringComparison.Ordinal))
            {
                continue;
            }

            using var document = JsonDocument.Parse("[" + line["oaiq(".Length..^2] + "]");
            var args = document.RootElement.Clone();
            var command = args[0].GetString()!;
            string? name = null, id = null;
            if (command == "measure")
            {
                name = args[1].GetString();
                if (args.GetArrayLength() > 3 && args[3].TryGetProperty("event_id", out var eventId))
                {
                    id = eventId.GetString();
                }
            }

            calls.Add(new PixelCall(command, name, id, args));
        }

        return calls;
    }
}
