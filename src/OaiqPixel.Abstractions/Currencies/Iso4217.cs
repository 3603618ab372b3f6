using System.Collections.Frozen;

namespace OaiqPixel.Currencies;

/// <summary>The ISO 4217 list of active currency codes with their minor-unit exponents.</summary>
internal static class Iso4217
{
    // Source: ISO 4217 List One (SIX) through Amendment 180, effective 2026-01-01, less the "N.A." minor-unit codes (XAU, XDR, XXX, ...).
    private static readonly (int Exponent, string Codes)[] _groups =
    [
        (0, "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"),
        (2, "AED AFN ALL AMD AOA ARS AUD AWG AZN "
          + "BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP BYN BZD "
          + "CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK "
          + "DKK DOP DZD "
          + "EGP ERN ETB EUR "
          + "FJD FKP "
          + "GBP GEL GHS GIP GMD GTQ GYD "
          + "HKD HNL HTG HUF "
          + "IDR ILS INR IRR "
          + "JMD "
          + "KES KGS KHR KPW KYD KZT "
          + "LAK LBP LKR LRD LSL "
          + "MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN "
          + "NAD NGN NIO NOK NPR NZD "
          + "PAB PEN PGK PHP PKR PLN "
          + "QAR "
          + "RON RSD RUB "
          + "SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL "
          + "THB TJS TMT TOP TRY TTD TWD TZS "
          + "UAH USD USN UYU UZS "
          + "VED VES "
          + "WST "
          + "XAD XCD XCG "
          + "YER "
          + "ZAR ZMW ZWG"),
        (3, "BHD IQD JOD KWD LYD OMR TND"),
        (4, "CLF UYW"),
    ];

    private static readonly FrozenDictionary<string, IsoCurrency> _currencies = _groups
        .SelectMany(static g => g.Codes.Split(' ', StringSplitOptions.RemoveEmptyEntries), static (g, code) => new IsoCurrency(code, g.Exponent))
        .ToFrozenDictionary(static c => c.Code, StringComparer.Ordinal);

    /// <summary>Looks up an upper-case three-letter code.</summary>
    /// <returns><see langword="true"/> with the currency when the code is an active ISO 4217 currency.</returns>
    public static bool TryGet(string code, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IsoCurrency? currency) =>
        _currencies.TryGetValue(code, out currency);

    /// <summary>Every active code, in alphabetical order.</summary>
    public static IReadOnlyCollection<string> Codes { get; } =
        Array.AsReadOnly(_currencies.Keys.Order(StringComparer.Ordinal).ToArray());
}
