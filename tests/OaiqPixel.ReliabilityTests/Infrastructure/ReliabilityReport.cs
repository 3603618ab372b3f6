using System.Globalization;
using System.Text;

namespace OaiqPixel.ReliabilityTests.Infrastructure;

/// <summary>
/// The report printed by <c>.ci/run</c>: one Markdown file next to the test assembly
/// (<c>reliability-report.md</c>), rewritten after every finished section so a failing run still shows what it got.
/// </summary>
internal static class ReliabilityReport
{
    private static readonly Lock s_gate = new();
    private static readonly SortedDictionary<string, SortedDictionary<string, string>> s_sections = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, string> s_headers = [];

    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "reliability-report.md");

    /// <summary>Adds or replaces one row of a table section and rewrites the file.</summary>
    public static void AddRow(string section, string header, string rowKey, string row)
    {
        lock (s_gate)
        {
            if (!s_sections.TryGetValue(section, out var rows))
            {
                s_sections[section] = rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
            }

            s_headers[section] = header;
            rows[rowKey] = row;
            Write();
        }
    }

    public static string Table(string section)
    {
        lock (s_gate)
        {
            var text = new StringBuilder();
            text.AppendLine(s_headers[section]);
            foreach (var row in s_sections[section].Values)
            {
                text.AppendLine(row);
            }

            return text.ToString();
        }
    }

    private static void Write()
    {
        var text = new StringBuilder();
        text.AppendLine("# OaiqPixel reliability report");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Generated {DateTimeOffset.UtcNow:u} by tests/OaiqPixel.ReliabilityTests.");
        foreach (var (section, rows) in s_sections)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"## {section[(section.IndexOf(' ', StringComparison.Ordinal) + 1)..]}");
            text.AppendLine();
            text.AppendLine(s_headers[section]);
            foreach (var row in rows.Values)
            {
                text.AppendLine(row);
            }
        }

        try
        {
            File.WriteAllText(FilePath, text.ToString());
        }
        catch (IOException)
        {
            // The report is a by-product; the assertions are what count.
        }
    }
}
