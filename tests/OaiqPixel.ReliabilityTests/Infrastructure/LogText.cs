using Microsoft.Extensions.Logging.Testing;

namespace OaiqPixel.ReliabilityTests.Infrastructure;

/// <summary>Flattens captured log records into one text each: everything a log sink could store.</summary>
internal static class LogText
{
    public static IEnumerable<string> Of(IEnumerable<FakeLogRecord> records) =>
        records.Select(r => string.Join(" | ",
            r.Level.ToString(),
            r.Category ?? string.Empty,
            r.Id.ToString(),
            r.Message,
            string.Join(" | ", r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? []),
            string.Join(" | ", r.Scopes.Select(s => s?.ToString() ?? string.Empty)),
            r.Exception?.ToString() ?? string.Empty));
}
