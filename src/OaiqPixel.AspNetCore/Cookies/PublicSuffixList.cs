using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;

namespace OaiqPixel.AspNetCore.Cookies;

/// <summary>
/// The Public Suffix List (<see href="https://publicsuffix.org/list/">publicsuffix.org</see>, ICANN and PRIVATE
/// sections), embedded as <c>PublicSuffix/public_suffix_list.dat</c> and parsed once, on first use, into one frozen
/// dictionary of rules. It answers what browsers ask before they accept a cookie <c>Domain</c> (RFC 6265 §5.3 step 5):
/// is this a public suffix, and what is a host's registrable domain.
/// </summary>
/// <remarks>
/// The rules and their precedence are those of the list's format (publicsuffix.org/list, "Formal algorithm"): a
/// matching exception rule (<c>!www.ck</c>) wins, otherwise the matching rule with the most labels (a wildcard
/// <c>*.ck</c> matches any one label), otherwise the implicit <c>*</c> (the last label). Lookups take a canonical host
/// name — lower-case ASCII, IDN labels in punycode (<see cref="Canonicalize"/>) — and allocate nothing but the answer.
/// Used at start-up (options validation) and when consent is withdrawn, never on every request.
/// </remarks>
internal sealed class PublicSuffixList
{
    private const string ResourceName = "OaiqPixel.AspNetCore.public_suffix_list.dat";

    // A canonical label: lower-case letters, digits and '-' (RFC 1034, after IDN conversion).
    private static readonly SearchValues<char> s_labelCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    private static readonly Lazy<PublicSuffixList> s_embedded = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly FrozenDictionary<string, RuleKinds>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private PublicSuffixList(FrozenDictionary<string, RuleKinds> rules)
    {
        _lookup = rules.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>What a key (a domain, written without <c>*.</c> or <c>!</c>) is in the list; a key can be several at once.</summary>
    [Flags]
    private enum RuleKinds : byte
    {
        None = 0,

        /// <summary>The key itself is a public suffix (<c>co.uk</c>).</summary>
        Suffix = 1,

        /// <summary>Every one-label child of the key is a public suffix (<c>*.ck</c> is stored as <c>ck</c>).</summary>
        WildcardParent = 2,

        /// <summary>The key is not a public suffix although a wildcard covers it (<c>!www.ck</c> is stored as <c>www.ck</c>).</summary>
        Exception = 4,
    }

    /// <summary>The embedded list, parsed on first use.</summary>
    public static PublicSuffixList Embedded => s_embedded.Value;

    /// <summary>How many distinct rule keys were read.</summary>
    public int Count => _lookup.Dictionary.Count;

    /// <summary>
    /// Reads a list in the <c>public_suffix_list.dat</c> format: one rule per line, <c>//</c> comments and blank lines
    /// ignored, each rule up to its first white space, IDN rules converted to punycode.
    /// </summary>
    public static PublicSuffixList Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rules = new Dictionary<string, RuleKinds>(16_384, StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var text = line.AsSpan().Trim();
            if (text.IsEmpty || text.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            var space = text.IndexOfAny(' ', '\t');
            if (space >= 0)
            {
                text = text[..space];
            }

            var kind = RuleKinds.Suffix;
            if (text.StartsWith("!", StringComparison.Ordinal))
            {
                kind = RuleKinds.Exception;
                text = text[1..];
            }
            else if (text.StartsWith("*.", StringComparison.Ordinal))
            {
                kind = RuleKinds.WildcardParent;
                text = text[2..];
            }

            // A rule that is not a host name once in punycode can never match one.
            if (Canonicalize(text.ToString()) is { } key)
            {
                rules[key] = rules.GetValueOrDefault(key) | kind;
            }
        }

        return new PublicSuffixList(rules.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>
    /// A host name as the list's rules are keyed: lower-case ASCII, IDN labels in punycode. <see langword="null"/> for
    /// what is not a host name: empty, a leading, trailing or doubled dot, a label over 63 or a name over 253
    /// characters, or a character other than a letter, digit or <c>-</c> (after IDN conversion; RFC 1034 names, which
    /// is also what a cookie <c>Domain</c> attribute may hold, RFC 6265 §4.1.1).
    /// </summary>
    public static string? Canonicalize(string? host)
    {
        if (string.IsNullOrEmpty(host) || host.Length > 253 * 4)
        {
            return null;
        }

        string ascii;
        if (System.Text.Ascii.IsValid(host))
        {
            ascii = host.ToLowerInvariant();
        }
        else
        {
            try
            {
                ascii = new IdnMapping().GetAscii(host).ToLowerInvariant();
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        return IsHostName(ascii) ? ascii : null;
    }

    /// <summary>
    /// The registrable domain (the public suffix plus one label, "eTLD+1") of <paramref name="host"/>, canonical
    /// (<see cref="Canonicalize"/>); <see langword="null"/> when the host is not a host name or is itself a public suffix.
    /// </summary>
    public string? GetRegistrableDomain(string? host)
    {
        var canonical = Canonicalize(host);
        if (canonical is null)
        {
            return null;
        }

        var suffixLabels = PublicSuffixLabels(canonical);
        var total = CountLabels(canonical);
        if (total <= suffixLabels)
        {
            return null;
        }

        var start = 0;
        for (var skip = total - suffixLabels - 1; skip > 0; skip--)
        {
            start = canonical.IndexOf('.', start) + 1;
        }

        return start == 0 ? canonical : canonical[start..];
    }

    /// <summary>Whether <paramref name="host"/> is a public suffix (<c>com</c>, <c>co.uk</c>, <c>github.io</c>, <c>localhost</c> by the implicit <c>*</c> rule).</summary>
    public bool IsPublicSuffix(string? host)
    {
        var canonical = Canonicalize(host);
        return canonical is not null && PublicSuffixLabels(canonical) >= CountLabels(canonical);
    }

    /// <summary>How many trailing labels of a canonical host name are its public suffix.</summary>
    private int PublicSuffixLabels(string host)
    {
        var span = host.AsSpan();
        var labels = CountLabels(host);
        var longest = 0;
        while (true)
        {
            if (_lookup.TryGetValue(span, out var kinds))
            {
                if ((kinds & RuleKinds.Exception) != 0)
                {
                    // An exception prevails over every other rule: the suffix is the exception minus its first label.
                    return labels - 1;
                }

                if (longest == 0 && (kinds & RuleKinds.Suffix) != 0)
                {
                    longest = labels;
                }
            }

            var dot = span.IndexOf('.');
            if (dot < 0)
            {
                break;
            }

            if (longest == 0 && _lookup.TryGetValue(span[(dot + 1)..], out var parent) && (parent & RuleKinds.WildcardParent) != 0)
            {
                longest = labels;
            }

            span = span[(dot + 1)..];
            labels--;
        }

        return longest == 0 ? 1 : longest;
    }

    private static int CountLabels(string host) => host.AsSpan().Count('.') + 1;

    private static bool IsHostName(string host)
    {
        if (host.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var range in host.AsSpan().Split('.'))
        {
            var label = host.AsSpan()[range];
            if (label.Length is 0 or > 63 || label.ContainsAnyExcept(s_labelCharacters))
            {
                return false;
            }
        }

        return true;
    }

    private static PublicSuffixList LoadEmbedded()
    {
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded Public Suffix List ({ResourceName}) is missing from OaiqPixel.AspNetCore.");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return Parse(reader);
    }
}
