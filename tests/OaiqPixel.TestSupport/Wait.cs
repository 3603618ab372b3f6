using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace OaiqPixel.TestSupport;

/// <summary>
/// The one wait of the test suites: polls for a positive marker (an event that arrived, a log line, a request counted)
/// until it holds, and fails with what was awaited and what was seen last when it does not within the timeout. A test
/// that asserts an absence first waits here for a marker proving the absent thing had its chance, never for a fixed time.
/// </summary>
/// <remarks>The timeout only bounds a failing test; a passing one never waits for it.</remarks>
public static class Wait
{
    /// <summary>How long a wait lasts unless told otherwise: generous, for a loaded 2-core CI machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    /// <param name="condition">The positive marker, checked at once and then every 20 ms.</param>
    /// <param name="what">What is awaited, for the failure message ("the server leg of order_42").</param>
    /// <param name="seen">Describes what was seen instead, for the failure message.</param>
    /// <param name="timeout">How long to wait; <see cref="DefaultTimeout"/> by default.</param>
    public static Task UntilAsync(Func<bool> condition, string what, Func<string>? seen = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), what, seen is null ? null : () => Task.FromResult(seen()), timeout);
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, or the timeout passes, and says which: for a caller that reports
    /// what it got either way (a measured scenario whose checks name what is missing).
    /// </summary>
    /// <param name="condition">The positive marker, checked at once and then every 20 ms.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>Whether <paramref name="condition"/> held in time.</returns>
    public static async Task<bool> TryUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                return false;
            }

            await Task.Delay(s_pollInterval);
        }

        return true;
    }

    /// <summary>Waits until the asynchronous <paramref name="condition"/> holds (a question to a browser or a health check).</summary>
    /// <param name="condition">The positive marker, asked at once and then every 20 ms after each answer.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="seen">Describes what was seen instead, for the failure message.</param>
    /// <param name="timeout">How long to wait; <see cref="DefaultTimeout"/> by default.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<Task<string>>? seen = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentException.ThrowIfNullOrWhiteSpace(what);
        var limit = timeout ?? DefaultTimeout;
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                var instead = seen is null ? null : await seen();
                Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}.{(instead is null ? string.Empty : " Seen instead: " + instead)}"));
            }

            await Task.Delay(s_pollInterval);
        }
    }

    /// <summary>Waits until <paramref name="find"/> finds something, and returns it (a log record, a request).</summary>
    /// <typeparam name="T">What is looked for.</typeparam>
    /// <param name="find">Looks for it; <see langword="null"/> while it is not there.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="seen">Describes what was seen instead, for the failure message.</param>
    /// <param name="timeout">How long to wait; <see cref="DefaultTimeout"/> by default.</param>
    /// <returns>The first non-null result of <paramref name="find"/>.</returns>
    public static async Task<T> ForAsync<T>(Func<T?> find, string what, Func<string>? seen = null, TimeSpan? timeout = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(find);
        T? found = null;
        await UntilAsync(() => (found = find()) is not null, what, seen, timeout);
        return found!;
    }
}
