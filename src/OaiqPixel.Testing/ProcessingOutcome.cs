using System.Text.Json;

namespace OaiqPixel.Testing;

/// <summary>The result of handling one request normally, before anything is recorded or written.</summary>
internal sealed record ProcessingOutcome(
    int StatusCode,
    string ResponseBody,
    string? ErrorMessage,
    int EventCount,
    bool ValidateOnly,
    IReadOnlyList<JsonElement> AcceptedEvents);
