using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.Components;

/// <summary>
/// The Blazor components' and interactive circuits' log messages. Event ids 50–69 are theirs and part of the contract
/// (README "Logging"): never renumber. No message carries an <c>oppref</c>, <c>obref</c>, personal data or a key.
/// </summary>
internal static partial class ComponentsLog
{
    [LoggerMessage(EventId = 50, EventName = "CircuitEventDropped", Level = LogLevel.Debug,
        Message = "'{EventName}' tracked in an interactive circuit was not recorded on either leg: {Reason}.")]
    public static partial void CircuitEventDropped(ILogger logger, string eventName, string reason);

    [LoggerMessage(EventId = 51, EventName = "CircuitEventRecorded", Level = LogLevel.Debug,
        Message = "Recorded '{EventName}' with id {EventId} in an interactive circuit; handed to the server leg: {Enqueued}; browser leg through JS interop: {Browser}.")]
    public static partial void CircuitEventRecorded(ILogger logger, string eventName, string eventId, bool enqueued, bool browser);

    [LoggerMessage(EventId = 52, EventName = "CircuitBrowserLegFailed", Level = LogLevel.Warning,
        Message = "The browser leg of '{EventName}' ({EventId}) could not be handed to the page through JS interop (the circuit disconnected?); its server leg is not affected.")]
    public static partial void CircuitBrowserLegFailed(ILogger logger, string eventName, string eventId, Exception exception);

    [LoggerMessage(EventId = 53, EventName = "EventComponentFailed", Level = LogLevel.Error,
        Message = "<OaiqEvent> did not record its event; the page still renders. Fix the parameters the message names.")]
    public static partial void EventComponentFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 54, EventName = "VisitorContextRejected", Level = LogLevel.Debug,
        Message = "The page's visitor context could not be read by the interactive circuit: {Reason}.")]
    public static partial void VisitorContextRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 55, EventName = "LateEventsNotRendered", Level = LogLevel.Debug,
        Message = "{Count} event(s) recorded after the response completed could not join the page's pixel data; their server legs are not affected.")]
    public static partial void LateEventsNotRendered(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 56, EventName = "CircuitFailed", Level = LogLevel.Error,
        Message = "Recording '{EventName}' in an interactive circuit failed; the circuit goes on.")]
    public static partial void CircuitFailed(ILogger logger, string eventName, Exception exception);

    [LoggerMessage(EventId = 57, EventName = "StaticPixelRouteChangesMeasured", Level = LogLevel.Information,
        Message = "The router changes pages in the interactive circuit while <OaiqPixel /> has no render mode: each route change's page_viewed and the pages' events are measured through the circuit, without the pixel's User and PageData. Give the pixel the router's render mode (<OaiqPixel @rendermode=\"InteractiveServer\" />) to measure them with those.")]
    public static partial void StaticPixelRouteChangesMeasured(ILogger logger);

    [LoggerMessage(EventId = 58, EventName = "StaticPixelRouteChangesNotMeasured", Level = LogLevel.Warning,
        Message = "The address changed in an interactive circuit while <OaiqPixel /> has no render mode, and the page could not tell whether its router is interactive (Blazor's enhancednavigationstart event was not observable: blazor.web.js started after the page loaded?): route changes in the circuit are not measured. Give the pixel the router's render mode (<OaiqPixel @rendermode=\"InteractiveServer\" />).")]
    public static partial void StaticPixelRouteChangesNotMeasured(ILogger logger);

    [LoggerMessage(EventId = 59, EventName = "VisitorContextNotPersisted", Level = LogLevel.Error,
        Message = "The page's visitor context could not be persisted for its interactive circuit; the page and its other state are not affected, the circuit's events are not recorded (log 50).")]
    public static partial void VisitorContextNotPersisted(ILogger logger, Exception exception);
}
