using System.Text;

namespace OaiqPixel.ReliabilityTests.Fuzz;

/// <summary>Seeded hostile strings: a corpus of known-nasty payloads, mutated and mixed with random text.</summary>
internal static class Hostile
{
    public static readonly string[] Corpus =
    [
        "</script><script>alert(1)</script>",
        "</SCRIPT ><script>alert(1)//",
        "</script\t><img src=x onerror=alert(1)>",
        "<!--<script>alert(1)//-->",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        "\"><svg onload=alert(1)>",
        "'><iframe srcdoc='<script>parent.alert(1)</script>'>",
        "\");alert(1);//",
        "'-alert(1)-'",
        "\\\");alert(1);//",
        "`${alert(1)}`",
        "{{constructor.constructor('alert(1)')()}}",
        "javascript:alert(1)",
        "\u2028alert(1)\u2029",
        "]]><script>alert(1)</script>",
        "&lt;/script&gt;&#x3c;/script&#x3e;",
        "\\u003c/script\\u003e",
        "</scr<script>ipt>alert(1)",
        "%3C/script%3E%3Cscript%3Ealert(1)%3C/script%3E",
        "\r\nSet-Cookie: evil=1",
        "\r\n\r\n<script>alert(1)</script>",
        "%0d%0aSet-Cookie:%20evil=1",
        "x; Domain=evil.example; Path=/; Max-Age=999999999",
        "a=b; c=d",
        "\"quoted\"",
        "\\",
        "\0nul\0",
        "\u0001\u001f\u007f",
        "\ud800",
        "\udfff\ud800",
        "\ufeff\u200b\u202e",
        "😀👨‍👩‍👧‍👦",
        "__proto__",
        "constructor",
        "toString",
        "\",\"event_id\":\"forged",
        "'; DROP TABLE orders; --",
        "../../../../etc/passwd",
        "=",
        ";",
        ",",
        " ",
        "",
        "null",
        "undefined",
        "NaN",
        "gAAAAABn-valid_looking-oppref==",
    ];

    private const string Ascii = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    /// <summary>A hostile string of any kind and length (rarely very long).</summary>
    public static string Next(Random random)
    {
        var text = new StringBuilder();
        var parts = random.Next(1, 4);
        for (var i = 0; i < parts; i++)
        {
            switch (random.Next(6))
            {
                case 0:
                case 1:
                    text.Append(Corpus[random.Next(Corpus.Length)]);
                    break;
                case 2:
                    AppendRandom(text, random, random.Next(0, 40), ascii: true);
                    break;
                case 3:
                    AppendRandom(text, random, random.Next(0, 20), ascii: false);
                    break;
                case 4:
                    text.Append("abc_", 0, random.Next(1, 5)).Append(random.Next(1000));
                    break;
                default:
                    text.Append(Corpus[random.Next(Corpus.Length)].ToUpperInvariant());
                    break;
            }
        }

        if (random.Next(200) == 0)
        {
            text.Append('x', random.Next(2_000, 70_000));
        }

        return text.ToString();
    }

    /// <summary>A value that could arrive in a request header: what Kestrel accepts (no CR, LF or NUL), anything else goes.</summary>
    public static string NextHeaderValue(Random random) => StripLineBreaks(Next(random));

    public static string StripLineBreaks(string value) =>
        value.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\0", string.Empty, StringComparison.Ordinal);

    /// <summary>Percent-encodes UTF-8 (lone surrogates become U+FFFD) or, sometimes, leaves raw and broken escapes in.</summary>
    public static string QueryValue(string value, Random random)
    {
        if (random.Next(4) > 0)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            var text = new StringBuilder(bytes.Length * 3);
            foreach (var b in bytes)
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }

        // Raw: keep what a URL can carry as is, with broken escapes thrown in.
        var raw = new StringBuilder();
        foreach (var c in value)
        {
            raw.Append(c is > ' ' and < (char)0x7f and not '#' and not '&' ? c : '_');
        }

        return raw.Append(random.Next(3) switch { 0 => "%", 1 => "%zz", _ => "%C3%28" }).ToString();
    }

    private static void AppendRandom(StringBuilder text, Random random, int length, bool ascii)
    {
        for (var i = 0; i < length; i++)
        {
            text.Append(ascii ? Ascii[random.Next(Ascii.Length)] : (char)random.Next(0, 0x10000));
        }
    }
}
