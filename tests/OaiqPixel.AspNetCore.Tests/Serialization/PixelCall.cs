using System.Text.Json;
using System.Text.Json.Nodes;

namespace OaiqPixel.AspNetCore.Tests.Serialization;

/// <summary>Reads back <c>oaiq(…);</c> calls written by <see cref="PixelScriptWriter"/> (their arguments are JSON literals).</summary>
internal static class PixelCall
{
    public static JsonArray ParseArguments(string call)
    {
        var trimmed = call.TrimEnd('\n');
        Assert.StartsWith("oaiq(", trimmed, StringComparison.Ordinal);
        Assert.EndsWith(");", trimmed, StringComparison.Ordinal);
        var inner = trimmed["oaiq(".Length..^2];
        return JsonNode.Parse("[" + inner + "]")!.AsArray();
    }

    public static JsonNode Json(string json) => JsonNode.Parse(json)!;

    public static void AssertJsonEqual(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(Json(expected), actual), $"Expected {expected}\nActual   {actual?.ToJsonString()}");

    public static void AssertJsonEqual(JsonNode? expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"Expected {expected?.ToJsonString()}\nActual   {actual?.ToJsonString()}");

    public static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
