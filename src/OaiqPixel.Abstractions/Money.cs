using System.Globalization;
using OaiqPixel.Currencies;
using OaiqPixel.Text;

namespace OaiqPixel;

/// <summary>
/// An amount of money in the integer minor unit of an ISO 4217 currency, as OpenAI Ads requires:
/// <c>2599</c> with <c>USD</c> is $25.99, <c>12497</c> with <c>JPY</c> is ¥12,497, <c>1500</c> with <c>KWD</c> is 1.500 KD.
/// </summary>
/// <remarks>
/// Create one with <see cref="FromMinorUnits(long, string)"/> when you already hold minor units, or with
/// <see cref="FromMajor(decimal, string)"/> from a decimal price. Neither rounds: a value with more decimals
/// than the currency has (25.999 USD) is refused, because a silently rounded conversion value is wrong money.
/// Negative amounts are refused: no OpenAI Ads event describes a refund.
/// </remarks>
public readonly struct Money : IEquatable<Money>
{
    // The table entry, not just the code: the exponent and the JSON-encoded code come with it at no cost.
    private readonly IsoCurrency? _currency;

    // ISO 4217 exponents are 0 to 4.
    private static readonly decimal[] s_powersOf10 = [1m, 10m, 100m, 1000m, 10000m];

    private Money(long minorUnits, IsoCurrency currency)
    {
        MinorUnits = minorUnits;
        _currency = currency;
    }

    /// <summary>The amount in the currency's minor unit (cents for USD, yen for JPY, fils for KWD).</summary>
    public long MinorUnits { get; }

    /// <summary>The upper-case ISO 4217 currency code.</summary>
    public string Currency => _currency?.Code!;

    /// <summary>The number of decimal digits of <see cref="Currency"/> (2 for USD, 0 for JPY, 3 for KWD).</summary>
    public int MinorUnitExponent => _currency?.Exponent ?? 0;

    /// <summary>The amount in major units, for display.</summary>
    public decimal MajorUnits => MinorUnits / Pow10(MinorUnitExponent);

    /// <summary>Creates an amount from minor units.</summary>
    /// <param name="minorUnits">The amount in the currency's minor unit; zero or more.</param>
    /// <param name="currency">An ISO 4217 code such as <c>USD</c>; case does not matter.</param>
    /// <returns>The amount.</returns>
    /// <exception cref="ArgumentException">The currency is not an active ISO 4217 code.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The amount is negative.</exception>
    public static Money FromMinorUnits(long minorUnits, string currency)
    {
        var code = NormalizeCurrency(currency, nameof(currency));
        if (minorUnits < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(minorUnits), minorUnits,
                "An amount must be zero or more; OpenAI Ads has no refund event.");
        }

        return new Money(minorUnits, code);
    }

    /// <summary>Creates an amount from a price in major units, such as <c>25.99m</c> dollars.</summary>
    /// <param name="amount">The amount in major units; zero or more, with no more decimals than the currency has.</param>
    /// <param name="currency">An ISO 4217 code such as <c>USD</c>; case does not matter.</param>
    /// <returns>The amount in minor units.</returns>
    /// <exception cref="ArgumentException">
    /// The currency is not an active ISO 4217 code, or <paramref name="amount"/> has more decimals than the
    /// currency allows (it is never rounded).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The amount is negative or too large.</exception>
    public static Money FromMajor(decimal amount, string currency)
    {
        var code = NormalizeCurrency(currency, nameof(currency));
        if (amount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount,
                "An amount must be zero or more; OpenAI Ads has no refund event.");
        }

        var exponent = code.Exponent;
        var scaled = amount * Pow10(exponent);
        if (scaled != decimal.Truncate(scaled))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"{amount} {code.Code} has more decimals than {code.Code} allows ({exponent}); round it yourself, OaiqPixel never rounds money."),
                nameof(amount));
        }

        if (scaled > long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "The amount is too large.");
        }

        return new Money((long)scaled, code);
    }

    /// <summary>Whether a code is an active ISO 4217 currency this library accepts.</summary>
    /// <param name="currency">A three-letter code; case does not matter.</param>
    /// <returns><see langword="true"/> when <see cref="FromMinorUnits(long, string)"/> would accept it.</returns>
    public static bool IsKnownCurrency(string? currency) =>
        currency is { Length: 3 } && Iso4217.TryGet(currency.ToUpperInvariant(), out _);

    internal static IsoCurrency NormalizeCurrency(string? currency, string paramName)
    {
        if (string.IsNullOrWhiteSpace(currency))
        {
            throw new ArgumentException("A currency is required with an amount: set a three-letter ISO 4217 code such as USD.", paramName);
        }

        if (!Iso4217.TryGet(currency.Trim().ToUpperInvariant(), out var code))
        {
            throw new ArgumentException(
                $"'{TextChecks.Printable(currency, 8)}' is not an active ISO 4217 currency code; use a three-letter code such as USD, EUR or JPY.",
                paramName);
        }

        return code;
    }

    private static decimal Pow10(int exponent) => s_powersOf10[exponent];

    /// <inheritdoc />
    public bool Equals(Money other) => MinorUnits == other.MinorUnits && string.Equals(Currency, other.Currency, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Money other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(MinorUnits, Currency);

    /// <summary>Formats as <c>2599 USD</c> (minor units and code).</summary>
    /// <returns>The minor units and the currency code.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{MinorUnits} {Currency}");

    /// <summary>Compares two amounts.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>Whether both have the same minor units and currency.</returns>
    public static bool operator ==(Money left, Money right) => left.Equals(right);

    /// <summary>Compares two amounts.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>Whether they differ in minor units or currency.</returns>
    public static bool operator !=(Money left, Money right) => !left.Equals(right);
}
