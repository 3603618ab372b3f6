using System.Security.Cryptography;
using System.Text;
using OaiqPixel.Text;

namespace OaiqPixel;

/// <summary>
/// Normalizes and SHA-256-hashes matching identifiers exactly as the OpenAI Conversions API and pixel require,
/// so the browser and server legs always produce the same digest for the same person.
/// </summary>
/// <remarks>
/// <para>
/// Every normalizer first applies Unicode NFC (spec §9 #12). Lowercasing is exactly ECMAScript's
/// <c>String.prototype.toLowerCase</c>, what the pixel SDK uses in the browser (spec §4.5): full Unicode case mapping
/// (<c>İ</c> U+0130 becomes <c>i̇</c>, U+0069 U+0307) and the final-sigma rule (<c>ΟΔΥΣΣΕΥΣ</c> becomes <c>οδυσσευς</c>),
/// independent of culture and of the host's ICU version. <see cref="string.ToLowerInvariant"/> is not used: it keeps
/// U+0130 and every final sigma, so the server's digest would not match the browser's for the same person.
/// </para>
/// <para>
/// In globalization-invariant mode (<c>InvariantGlobalization=true</c>, which the native AOT templates set) .NET has no
/// normalization data, so NFC does nothing: a value in decomposed form (<c>e</c> + U+0301 rather than <c>é</c>) is hashed
/// as it is and its digest differs from the composed form's. OaiqPixel.AspNetCore warns once at start-up (log 71); set
/// <c>&lt;InvariantGlobalization&gt;false&lt;/InvariantGlobalization&gt;</c> to normalize every value.
/// </para>
/// <para>
/// The <c>Hash…</c> methods take raw values only and always normalize and hash, so a customer id or name that happens to be
/// 64 hexadecimal digits is hashed like any other; a digest you computed yourself goes to a <c>…Sha256</c> method of
/// <see cref="UserData"/>. Errors name the rule that failed and never repeat the value, because the value is personal data.
/// </para>
/// </remarks>
public static class UserDataNormalizer
{
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");
    private static readonly System.Buffers.SearchValues<char> LowercaseHexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>
    /// Email: NFC, trim, then lowercase as ECMAScript <c>toLowerCase</c> does (spec §4.5; see the remarks on
    /// <see cref="UserDataNormalizer"/>): <c> Ada@Example.COM </c> → <c>ada@example.com</c>, <c>İLKER@EXAMPLE.COM</c> →
    /// <c>i̇lker@example.com</c>.
    /// </summary>
    /// <param name="email">The raw email address.</param>
    /// <returns>The normalized address, e.g. <c>ada@example.com</c>.</returns>
    /// <exception cref="ArgumentException">
    /// The value is empty after trimming or has no <c>@</c> between a local part and a domain (a SHA-256 digest is refused
    /// with a message naming <see cref="UserData.WithEmailSha256"/>).
    /// </exception>
    public static string NormalizeEmail(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var normalized = EcmaScriptCase.ToLower(EcmaScriptWhiteSpace.Trim(Nfc(email)));
        if (normalized.Length == 0)
        {
            throw new ArgumentException("The email is empty after trimming white space.", nameof(email));
        }

        var at = normalized.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == normalized.Length - 1)
        {
            throw new ArgumentException(
                LooksLikeDigest(normalized)
                    ? "The email is 64 hexadecimal digits, a SHA-256 digest rather than an address; this method hashes raw addresses only, so pass a digest to UserData.WithEmailSha256."
                    : "The email must have a local part, '@' and a domain.",
                nameof(email));
        }

        return normalized;
    }

    /// <summary>
    /// Phone: keep the country calling code; remove white space, parentheses, periods and hyphens; then remove a
    /// leading <c>+</c> and any leading zeros. The result must be 8–15 digits.
    /// </summary>
    /// <param name="phoneNumber">The raw number, e.g. <c>+1 (415) 555-2671</c>.</param>
    /// <returns>The digits, e.g. <c>14155552671</c>.</returns>
    /// <exception cref="ArgumentException">
    /// Other characters remain (letters, an extension), or the result is not 8–15 digits. A SHA-256 digest is refused with a
    /// message naming <see cref="UserData.WithPhoneNumberSha256"/>.
    /// </exception>
    public static string NormalizePhoneNumber(string phoneNumber)
    {
        ArgumentNullException.ThrowIfNull(phoneNumber);
        if (LooksLikeDigest(EcmaScriptWhiteSpace.Trim(phoneNumber)))
        {
            throw new ArgumentException(
                "The phone number is 64 hexadecimal digits, a SHA-256 digest rather than a number; this method hashes raw numbers only, so pass a digest to UserData.WithPhoneNumberSha256.",
                nameof(phoneNumber));
        }

        var kept = string.Concat(phoneNumber.Where(c => !(EcmaScriptWhiteSpace.IsWhiteSpace(c) || c is '(' or ')' or '.' or '-')));
        var digits = (kept.StartsWith('+') ? kept[1..] : kept).TrimStart('0');
        if (digits.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            throw new ArgumentException(
                "The phone number may contain only digits, a leading '+', white space, parentheses, periods and hyphens (no letters or extensions).",
                nameof(phoneNumber));
        }

        if (digits.Length is < 8 or > 15)
        {
            throw new ArgumentException(
                $"The phone number has {digits.Length} digits after normalization; it needs 8-15 including the country calling code.",
                nameof(phoneNumber));
        }

        return digits;
    }

    /// <summary>External id: NFC, then trim only; case and every other character are kept (spec §4.5).</summary>
    /// <param name="externalId">Your stable pseudonymous customer id.</param>
    /// <returns>The trimmed id.</returns>
    /// <exception cref="ArgumentException">The id is empty after trimming.</exception>
    public static string NormalizeExternalId(string externalId)
    {
        ArgumentNullException.ThrowIfNull(externalId);
        var normalized = EcmaScriptWhiteSpace.Trim(Nfc(externalId));
        return normalized.Length == 0
            ? throw new ArgumentException("The external id is empty after trimming white space.", nameof(externalId))
            : normalized;
    }

    /// <summary>
    /// First or last name (spec §4.5): NFC; lowercase as ECMAScript <c>toLowerCase</c> does (see the remarks on
    /// <see cref="UserDataNormalizer"/>); then remove all white space and ASCII punctuation; keep every other character
    /// (no accent stripping): <c>O'Connor</c> → <c>oconnor</c>, <c>José</c> → <c>josé</c>, <c>İbrahim</c> → <c>i̇brahim</c>.
    /// </summary>
    /// <param name="name">The raw name.</param>
    /// <returns>The normalized name.</returns>
    /// <exception cref="ArgumentException">Nothing is left after normalization.</exception>
    public static string NormalizeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // Lowercase the whole name before removing anything: whether a sigma is final depends on what follows it.
        var lowered = EcmaScriptCase.ToLower(Nfc(name));
        var normalized = string.Concat(lowered.Where(c => !(EcmaScriptWhiteSpace.IsWhiteSpace(c) || AsciiPunctuation.Contains(c, StringComparison.Ordinal))));
        return normalized.Length == 0
            ? throw new ArgumentException("The name is empty after removing white space and punctuation.", nameof(name))
            : normalized;
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

    /// <summary>Normalizes (<see cref="NormalizeEmail"/>) and hashes a raw email; the value is always hashed.</summary>
    /// <param name="email">The raw email. A digest you computed yourself goes to <see cref="UserData.WithEmailSha256"/> instead.</param>
    /// <returns>The digest, 64 lowercase hex digits.</returns>
    /// <exception cref="ArgumentException">See <see cref="NormalizeEmail"/>.</exception>
    public static string HashEmail(string email) => Sha256Hex(NormalizeEmail(email));

    /// <summary>Normalizes (<see cref="NormalizePhoneNumber"/>) and hashes a raw phone number; the value is always hashed.</summary>
    /// <param name="phoneNumber">The raw number. A digest you computed yourself goes to <see cref="UserData.WithPhoneNumberSha256"/> instead.</param>
    /// <returns>The digest, 64 lowercase hex digits.</returns>
    /// <exception cref="ArgumentException">See <see cref="NormalizePhoneNumber"/>.</exception>
    public static string HashPhoneNumber(string phoneNumber) => Sha256Hex(NormalizePhoneNumber(phoneNumber));

    /// <summary>
    /// Normalizes (<see cref="NormalizeExternalId"/>) and hashes a raw external id; the value is always hashed, also when the
    /// id itself is 64 hexadecimal digits.
    /// </summary>
    /// <param name="externalId">The raw id. A digest you computed yourself goes to <see cref="UserData.WithExternalIdSha256"/> instead.</param>
    /// <returns>The digest, 64 lowercase hex digits.</returns>
    /// <exception cref="ArgumentException">See <see cref="NormalizeExternalId"/>.</exception>
    public static string HashExternalId(string externalId) => Sha256Hex(NormalizeExternalId(externalId));

    /// <summary>
    /// Normalizes (<see cref="NormalizeName"/>) and hashes a raw first or last name; the value is always hashed, also when
    /// it is 64 hexadecimal digits.
    /// </summary>
    /// <param name="name">
    /// The raw name. A digest you computed yourself goes to <see cref="UserData.WithFirstNameSha256"/> or
    /// <see cref="UserData.WithLastNameSha256"/> instead.
    /// </param>
    /// <returns>The digest, 64 lowercase hex digits.</returns>
    /// <exception cref="ArgumentException">See <see cref="NormalizeName"/>.</exception>
    public static string HashName(string name) => Sha256Hex(NormalizeName(name));

    /// <summary>Whether a value is exactly 64 lowercase hexadecimal digits (an already hashed identifier).</summary>
    /// <param name="value">The value to test.</param>
    /// <returns><see langword="true"/> for a lowercase SHA-256 hex digest.</returns>
    public static bool IsSha256Hex(string? value) => value is { Length: 64 } && value.AsSpan().IndexOfAnyExcept(LowercaseHexDigits) < 0;

    /// <summary>64 hex digits in either case: a digest passed where a raw value belongs.</summary>
    private static bool LooksLikeDigest(string value) => value.Length == 64 && value.AsSpan().IndexOfAnyExcept(HexDigits) < 0;

    private static string Nfc(string value)
    {
        if (TextChecks.HasLoneSurrogate(value))
        {
            throw new ArgumentException("The value is not valid Unicode text (it contains a lone surrogate).", nameof(value));
        }

        return value.IsNormalized(NormalizationForm.FormC) ? value : value.Normalize(NormalizationForm.FormC);
    }
}
