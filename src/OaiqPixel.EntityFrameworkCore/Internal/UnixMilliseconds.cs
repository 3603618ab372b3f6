namespace OaiqPixel.EntityFrameworkCore.Internal;

/// <summary>
/// How the outbox table stores times (Unix milliseconds in a 64-bit integer) and reads them back. A stored value outside
/// <see cref="DateTimeOffset"/>'s range (written by hand or by another tool) reads as <see cref="DateTimeOffset.MinValue"/>
/// or <see cref="DateTimeOffset.MaxValue"/> instead of throwing: otherwise one such row fails every query that reads the
/// table (the dispatcher's claim, the inspector), and the rows around it are never delivered. The dispatcher dead-letters
/// such a row (<see cref="IsOutOfRange"/>).
/// </summary>
internal static class UnixMilliseconds
{
    private static readonly long s_min = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long s_max = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>The time a stored value stands for, clamped to <see cref="DateTimeOffset"/>'s range.</summary>
    public static DateTimeOffset ToTime(long value) =>
        value > s_max ? DateTimeOffset.MaxValue : value < s_min ? DateTimeOffset.MinValue : DateTimeOffset.FromUnixTimeMilliseconds(value);

    /// <summary>Whether a time read back was clamped by <see cref="ToTime"/>: the stored value is no time.</summary>
    public static bool IsOutOfRange(DateTimeOffset time) => time == DateTimeOffset.MinValue || time == DateTimeOffset.MaxValue;
}
