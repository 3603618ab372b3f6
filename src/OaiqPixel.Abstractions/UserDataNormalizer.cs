using System.Security.Cryptography;
using System.Text;

namespace OaiqPixel;

/// <summary>
/// Normalizes and SHA-256-hashes matching identifiers exactly as the OpenAI Conversions API and pixel require,
/// so the browser and server legs always produce the same digest for the same person.
/// </summary>
/// <remarks>
/// Every normalizer first applies Unicode NFC. Errors name the rule that failed and never repeat the value,
/// because the value is personal data.
/// </remarks>
public static class UserDataNormalizer
{
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>Email: trim, then lowercase (Unicode-aware).</summary>
    /// <param name="email">The raw email address.</param>
    /// <returns>The normalized address, e.g. <c>ada@example.com</c>.</returns>
    /// <exception cref="ArgumentException">The value is empty after trimming or has no <c>@</c> between a local part and a domain.</exception>
    public static string NormalizeEmail(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var normalized = Nfc(email).Trim().ToLowerInvariant();
        if (normalized.Length == 0)
        {
            throw new ArgumentException("The email is empty after trimming white space.", nameof(email));
        }

        var at = normalized.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == normalized.Length - 1)
        {
            throw new ArgumentException("The email must have a local part, '@' and a domain.", nameof(email));
        }

        return normalized;
    }

    /// <summary>
    /// Phone: keep the country calling code; remove white space, parentheses, periods and hyphens; then remove a
    /// leading <c>+</c> and any leading zeros. The result must be 8–15 digits.
    /// </summary>
    /// <param name="phoneNumber">The raw number, e.g. <c>+1 (415) 555-2671</c>.</param>
    /// <returns>The digits, e.g. <c>14155552671</c>.</returns>
    /// <exception cref="ArgumentException">Other characters remain (letters, an extension), or the result is not 8–15 digits.</exception>
    public static string NormalizePhoneNumber(string phoneNumber)
    {
        ArgumentNullException.ThrowIfNull(phoneNumber);
        var builder = new StringBuilder(phoneNumber.Length);
        foreach (var c in phoneNumber)
        {
            if (char.IsWhiteSpace(c) || c is '(' or ')' or '.' or '-')
            {
                continue;
            }

            builder.Append(c);
        }

        var start = 0;
        if (builder.Length > 0 && builder[0] == '+')
        {
            start = 1;
        }

        while (start < builder.Length && builder[start] == '0')
        {
            start++;
        }

        var digits = builder.ToString(start, builder.Length - start);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                throw new ArgumentException(
                    "The phone number may contain only digits, a leading '+', white space, parentheses, periods and hyphens (no letters or extensions).",
                    nameof(phoneNumber));
            }
        }

        if (digits.Length is < 8 or > 15)
        {
            throw new ArgumentException(
                $"The phone number has {digits.Length} digits after normalization; it needs 8-15 including the country calling code.",
                nameof(phoneNumber));
        }

        return digits;
    }

    /// <summary>External id: trim only; case and every other character are kept.</summary>
    /// <param name="externalId">Your stable pseudonymous customer id.</param>
    /// <returns>The trimmed id.</returns>
    /// <exception cref="ArgumentException">The id is empty after trimming.</exception>
    public static string NormalizeExternalId(string externalId)
    {
        ArgumentNullException.ThrowIfNull(externalId);
        var normalized = Nfc(externalId).Trim();
        return normalized.Length == 0
            ? throw new ArgumentException("The external id is empty after trimming white space.", nameof(externalId))
            : normalized;
    }

    /// <summary>
    /// First or last name: lowercase (Unicode-aware); remove all white space and ASCII punctuation; keep every other
    /// character (no accent stripping): <c>O'Connor</c> → <c>oconnor</c>, <c>José</c> → <c>josé</c>.
    /// </summary>
    /// <param name="name">The raw name.</param>
    /// <returns>The normalized name.</returns>
    /// <exception cref="ArgumentException">Nothing is left after normalization.</exception>
    public static string NormalizeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lowered = Nfc(name).ToLowerInvariant();
        var builder = new StringBuilder(lowered.Length);
        foreach (var c in lowered)
        {
            if (char.IsWhiteSpace(c) || AsciiPunctuation.Contains(c, StringComparison.Ordinal))
            {
                continue;
            }

            builder.Append(c);
        }

        return builder.Length == 0
            ? throw new ArgumentException("The name is empty after removing white space and punctuation.", nameof(name))
            : builder.ToString();
    }

    /// <summary>SHA-256 of the UTF-8 bytes of an already normalized value, as 64 lowercase hex digits.</summary>
    /// <param name="normalized">A value returned by one of the normalizers.</param>
    /// <returns>The digest in lowercase hex.</returns>
    public static string Sha256Hex(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        Span<byte> digest = stackalloc byte[32];
        var byteCount = Encoding.UTF8.GetByteCount(normalized);
        var rented = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(normalized, rented);
        SHA256.HashData(rented, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Normalizes and hashes an email; a value that is already a lowercase SHA-256 hex digest passes through.</summary>
    /// <param name="email">The raw email or its digest.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="ArgumentException">See <see cref="NormalizeEmail"/>.</exception>
    public static string HashEmail(string email) => IsSha256Hex(email) ? email : Sha256Hex(NormalizeEmail(email));

    /// <summary>Normalizes and hashes a phone number; a value that is already a lowercase SHA-256 hex digest passes through.</summary>
    /// <param name="phoneNumber">The raw number or its digest.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="ArgumentException">See <see cref="NormalizePhoneNumber"/>.</exception>
    public static string HashPhoneNumber(string phoneNumber) => IsSha256Hex(phoneNumber) ? phoneNumber : Sha256Hex(NormalizePhoneNumber(phoneNumber));

    /// <summary>Normalizes and hashes an external id; a value that is already a lowercase SHA-256 hex digest passes through.</summary>
    /// <param name="externalId">The raw id or its digest.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="ArgumentException">See <see cref="NormalizeExternalId"/>.</exception>
    public static string HashExternalId(string externalId) => IsSha256Hex(externalId) ? externalId : Sha256Hex(NormalizeExternalId(externalId));

    /// <summary>Normalizes and hashes a first or last name; a value that is already a lowercase SHA-256 hex digest passes through.</summary>
    /// <param name="name">The raw name or its digest.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="ArgumentException">See <see cref="NormalizeName"/>.</exception>
    public static string HashName(string name) => IsSha256Hex(name) ? name : Sha256Hex(NormalizeName(name));

    /// <summary>Whether a value is exactly 64 lowercase hexadecimal digits (an already hashed identifier).</summary>
    /// <param name="value">The value to test.</param>
    /// <returns><see langword="true"/> for a lowercase SHA-256 hex digest.</returns>
    public static bool IsSha256Hex(string? value)
    {
        if (value is not { Length: 64 })
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Nfc(string value)
    {
        if (TextChecks.HasLoneSurrogate(value))
        {
            throw new ArgumentException("The value is not valid Unicode text (it contains a lone surrogate).", nameof(value));
        }

        return value.IsNormalized(NormalizationForm.FormC) ? value : value.Normalize(NormalizationForm.FormC);
    }
}
