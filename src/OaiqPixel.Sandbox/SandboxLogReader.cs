using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OaiqPixel.Sandbox;

/// <summary>
/// Reads the library's numbered logs as they are written (at Debug for this provider alone, whatever the app's levels)
/// and notes on the page, at once, why an event's server leg will not come: a view no person sees (log 40: a bot's user
/// agent, a prefetch, not a navigation), an invalid event (102), a sender shutting down (104), the server leg off (100),
/// or a tracker call whose server leg was not taken (6). Only ids, names and the library's own reasons are read.
/// </summary>
internal sealed class SandboxLogReader(OaiqSandbox sandbox) : ILoggerProvider
{
    /// <summary>The categories read: the library's own loggers.</summary>
    public const string CategoryPrefix = "OaiqPixel";

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith(CategoryPrefix, StringComparison.Ordinal) ? new Reader(sandbox) : NullLogger.Instance;

    public void Dispose()
    {
    }

    /// <summary>The page's text for log 40's reason (<c>oaiq.drop.reason</c>: bot, prefetch, not_navigation).</summary>
    private static string ViewReason(string? reason) => reason switch
    {
        "bot" => "a bot's user agent",
        "prefetch" => "a prefetch or prerender, which no person sees",
        "not_navigation" => "not a browser navigation (no Sec-Fetch-Mode: navigate), which no person sees",
        _ => "no person sees this load (" + reason + ")",
    };

    private sealed class Reader(OaiqSandbox sandbox) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id is not (6 or 40 or 100 or 102 or 104) || state is not IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                return;
            }

            string? Value(string name) => values.FirstOrDefault(v => v.Key == name).Value?.ToString();

            switch (eventId.Id)
            {
                case 100:
                    sandbox.NoteServerLegOff(Value("Reason"));
                    return;
                case 6 when Value("Enqueued") == bool.FalseString:
                    Note(Value("EventId"), "not sent: the server leg did not take it (off, or no key for its pixel) — log 6");
                    return;
                case 40:
                    Note(Value("EventId"), "not sent: " + ViewReason(Value("Reason")) + " — log 40");
                    return;
                case 102:
                    Note(Value("EventId"), "not sent, invalid: " + Value("Errors") + " — log 102");
                    return;
                case 104:
                    Note(Value("EventId"), "not sent: the sender is shutting down — log 104");
                    return;
            }
        }

        private void Note(string? eventId, string reason)
        {
            if (eventId is not null)
            {
                sandbox.NoteNotSent(eventId, reason);
            }
        }
    }
}
