using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace OaiqPixel.ReliabilityTests.Fuzz;

/// <summary>
/// What every response must satisfy whatever the request held: no server error, only well-formed <c>Set-Cookie</c>s for
/// our own cookies, no line break in any header, and — on a page — exactly the template's elements and attributes, one
/// script whose every <c>oaiq(…)</c> call is valid JSON, and nothing from the cookies, headers or <c>oppref</c> in the HTML.
/// </summary>
internal static class ResponseInvariants
{
    public const int MaxSetCookieLength = 4096;

    private static readonly HtmlParser s_parser = new();
    private static readonly HashSet<string> s_ourCookies = new(StringComparer.Ordinal) { "__oppref", "__oaiq_carry" };
    private static readonly Dictionary<string, string[]> s_allowedElements = new(StringComparer.Ordinal)
    {
        ["HTML"] = [],
        ["HEAD"] = [],
        ["META"] = ["charset"],
        ["SCRIPT"] = ["nonce"],
        ["TITLE"] = [],
        ["BODY"] = [],
        ["P"] = ["id", "data-recorded"],
    };

    /// <summary>Returns the broken invariants (empty when the response is safe).</summary>
    /// <param name="response">The response.</param>
    /// <param name="html">Its body when it is a page, else <see langword="null"/>.</param>
    /// <param name="mustNotAppear">Values that came only from cookies, headers or the query's oppref.</param>
    /// <param name="maxScriptLength">The most the script may weigh given what the app itself put in it.</param>
    public static List<string> Check(HttpResponseMessage response, string? html, IEnumerable<string> mustNotAppear, int maxScriptLength)
    {
        var problems = new List<string>();
        if ((int)response.StatusCode >= 500)
        {
            problems.Add($"status {(int)response.StatusCode}");
        }

        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            foreach (var value in values)
            {
                if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
                {
                    problems.Add($"header {name} holds a line break or NUL: {Show(value)}");
                }
            }
        }

        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                if (CheckSetCookie(cookie) is { } problem)
                {
                    problems.Add(problem);
                }
            }
        }

        if (response.StatusCode == HttpStatusCode.OK && html is not null)
        {
            problems.AddRange(CheckPage(html, mustNotAppear, maxScriptLength));
        }

        return problems;
    }

    /// <summary>RFC 6265 §4.1: <c>cookie-pair *( ";" SP cookie-av )</c>, for our cookies only, with known attributes.</summary>
    public static string? CheckSetCookie(string header)
    {
        if (header.Length > MaxSetCookieLength)
        {
            return $"Set-Cookie of {header.Length} bytes";
        }

        foreach (var c in header)
        {
            if (c is < ' ' or > '~')
            {
                return $"Set-Cookie holds U+{(int)c:X4}: {Show(header)}";
            }
        }

        var parts = header.Split("; ");
        var eq = parts[0].IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            return $"Set-Cookie without a name=value pair: {Show(header)}";
        }

        var name = parts[0][..eq];
        var value = parts[0][(eq + 1)..];
        if (!s_ourCookies.Contains(name))
        {
            return $"Set-Cookie for a cookie that is not ours ({Show(name)}): {Show(header)}";
        }

        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1];
        }

        if (value.Any(c => c is < '!' or > '~' or '"' or ',' or ';' or '\\'))
        {
            return $"Set-Cookie value outside cookie-octet: {Show(header)}";
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var av in parts.Skip(1))
        {
            var i = av.IndexOf('=', StringComparison.Ordinal);
            var key = (i < 0 ? av : av[..i]).ToLowerInvariant();
            var arg = i < 0 ? null : av[(i + 1)..];
            if (!seen.Add(key))
            {
                return $"Set-Cookie repeats {key}: {Show(header)}";
            }

            var ok = key switch
            {
                "max-age" => arg is { Length: > 0 and < 12 } && arg.All(char.IsAsciiDigit),
                "expires" => arg is not null && DateTimeOffset.TryParse(arg, CultureInfo.InvariantCulture, out _),
                "domain" => arg is { Length: > 0 and < 254 } && arg.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-'),
                "path" => arg == "/",
                "samesite" => arg is "lax" or "strict" or "none",
                "secure" or "httponly" => arg is null,
                _ => false,
            };
            if (!ok)
            {
                return $"Set-Cookie attribute {Show(av)} is not well-formed: {Show(header)}";
            }
        }

        return null;
    }

    private static IEnumerable<string> CheckPage(string html, IEnumerable<string> mustNotAppear, int maxScriptLength)
    {
        var document = s_parser.ParseDocument(html);
        foreach (var element in document.All)
        {
            if (!s_allowedElements.TryGetValue(element.TagName, out var attributes))
            {
                yield return $"unexpected element <{element.TagName}>";
                continue;
            }

            foreach (var attribute in element.Attributes)
            {
                if (!attributes.Contains(attribute.Name))
                {
                    yield return $"unexpected attribute {attribute.Name} on <{element.TagName}>";
                }
            }
        }

        if (document.QuerySelectorAll("p").Length != 1 || document.QuerySelector("body > p#page") is null)
        {
            yield return "the page body is not the template's";
        }

        var scripts = document.QuerySelectorAll("script");
        if (scripts.Length > 1 || (scripts.Length == 1 && scripts[0].ParentElement?.TagName != "HEAD"))
        {
            yield return $"{scripts.Length} scripts, or a script outside <head>";
        }

        foreach (var script in scripts)
        {
            var text = script.TextContent;
            if (text.Length > maxScriptLength)
            {
                yield return $"a script of {text.Length} characters (bound {maxScriptLength})";
            }

            foreach (var bad in new[] { "</script", "<script", "<!--" })
            {
                if (text.Contains(bad, StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"the script holds {bad}";
                }
            }

            if (text.Contains('\u2028') || text.Contains('\u2029'))
            {
                yield return "the script holds U+2028/U+2029";
            }

            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("oaiq(", StringComparison.Ordinal) && !IsJsonCall(line))
                {
                    yield return $"an oaiq call whose arguments are not JSON: {Show(line)}";
                }
            }
        }

        foreach (var value in mustNotAppear)
        {
            if (value.Length >= 12 && html.Contains(value, StringComparison.Ordinal))
            {
                yield return $"a cookie, header or oppref value is reflected in the page: {Show(value)}";
            }
        }
    }

    private static bool IsJsonCall(string line) => PixelCall.TryParseCall(line, out var call) && call.Text == line;

    private static string Show(string value) => value.Length > 160 ? string.Concat(value.AsSpan(0, 160), "…") : value;
}
