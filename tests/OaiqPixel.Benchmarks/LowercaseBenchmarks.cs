using BenchmarkDotNet.Attributes;
using OaiqPixel;
using OaiqPixel.Text;

/// <summary>
/// Issue 11, item 1: <see cref="EcmaScriptCase.ToLower"/> (the browser's <c>toLowerCase</c>, used by the email and name
/// normalizers) against <see cref="string.ToLowerInvariant"/>, the baseline it replaced, on the inputs user data really has:
/// an ASCII email already in lowercase (no change, no allocation either way), one with capitals (the ASCII fast path),
/// and names outside ASCII (the table lookup, with a final sigma and a dotted capital I).
/// </summary>
[MemoryDiagnoser]
public class LowercaseBenchmarks
{
    [Params("ada.lovelace@example.com", "Ada.Lovelace@Example.COM", "M\u00FCller-L\u00FCdenscheidt", "\u039F\u0394\u03A5\u03A3\u03A3\u0395\u03A5\u03A3", "\u0130brahim Y\u0131lmaz")]
    public string Input { get; set; } = "";

    [Benchmark(Baseline = true)]
    public string ToLowerInvariant() => Input.ToLowerInvariant();

    [Benchmark]
    public string EcmaScriptToLower() => EcmaScriptCase.ToLower(Input);
}
