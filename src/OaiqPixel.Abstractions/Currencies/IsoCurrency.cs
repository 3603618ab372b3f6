namespace OaiqPixel.Currencies;

/// <summary>One active ISO 4217 currency: its code and minor-unit exponent.</summary>
internal sealed class IsoCurrency
{
    public IsoCurrency(string code, int exponent)
    {
        Code = code;
        Exponent = exponent;
    }

    public string Code { get; }

    public int Exponent { get; }
}
