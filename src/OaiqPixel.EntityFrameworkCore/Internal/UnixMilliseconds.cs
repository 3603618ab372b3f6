namespace OaiqPixel.EntityFrameworkCore.Internal;

/// <summary>
/// How the outbox table stores times (Unix milliseconds in a 64-bit integer) and reads them back. A value outside
/// <see cref="DateTimeOffset"/>'s range reads as its minimum or maximum instead of throwing, so one such row does not fail
/// every query of the table; the dispatcher dead-letters it (<see cref="IsOutOfRange"/>).
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
