using System.Text.Json;
using System.Text.Json.Nodes;

namespace OaiqPixel.AspNetCore.Tests.Serialization;

/// <summary>JSON compared by value (property order and white space aside), with both sides in the failure message.</summary>
internal static class JsonAssert
{
    public static JsonNode Parse(string json) => JsonNode.Parse(json)!;

    public static void Equal(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(Parse(expected), actual), $"Expected {expected}\nActual   {actual?.ToJsonString()}");

    public static void Equal(JsonNode? expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"Expected {expected?.ToJsonString()}\nActual   {actual?.ToJsonString()}");

    public static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
