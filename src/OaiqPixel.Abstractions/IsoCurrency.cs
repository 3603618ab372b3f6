using System.Text.Json;

namespace OaiqPixel;

/// <summary>One active ISO 4217 currency: its code, minor-unit exponent and the code pre-encoded for JSON.</summary>
internal sealed class IsoCurrency
{
    public IsoCurrency(string code, int exponent, int index)
    {
        Code = code;
        Exponent = exponent;
        Index = index;
        Encoded = JsonEncodedText.Encode(code);
    }

    public string Code { get; }

    public int Exponent { get; }

    /// <summary>The position in the table: a queued event stores this small number instead of the code.</summary>
    public int Index { get; }

    /// <summary>Written by the serializers without transcoding the code for every amount.</summary>
    public JsonEncodedText Encoded { get; }
}
