using System.Text.Json;

namespace OaiqPixel.Testing.Server;

/// <summary>
/// The result of handling one request normally, before anything is recorded or written. <c>AcceptedEvents</c> are
/// recorded; <c>CountedEvents</c> were accepted without being kept (<see cref="FakeConversionsApiOptions.CountOnly"/>)
/// and only add to <see cref="FakeConversionsApi.AcceptedEventCount"/>.
/// </summary>
internal sealed record ProcessingOutcome(
    int StatusCode,
    string ResponseBody,
    string? ErrorMessage,
    IReadOnlyList<JsonElement> AcceptedEvents,
    int CountedEvents = 0);
