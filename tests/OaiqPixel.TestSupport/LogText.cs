using Microsoft.Extensions.Logging.Testing;

namespace OaiqPixel.TestSupport;

/// <summary>Flattens captured log records into one text each: everything a log sink could store.</summary>
public static class LogText
{
    /// <summary>Level, category, event id, message, every structured value, the scopes and the exception of each record.</summary>
    /// <param name="records">Captured records (<see cref="FakeLogCollector.GetSnapshot"/>).</param>
    /// <returns>One text per record, in order.</returns>
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
