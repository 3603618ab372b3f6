using Polly;
using Polly.Retry;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The server leg's outer back-off, the one rule for both stores (<see cref="NextDelay"/>): while a batch still fails
/// after the HTTP client's own retries (an outage, a refused key, an unexpected status), it is tried again after
/// <see cref="ConversionsApiOptions.BackoffDelay"/>, doubling with jitter up to <see cref="ConversionsApiOptions.MaxBackoffDelay"/>,
/// or after the API's <c>Retry-After</c> when it asks for longer (spec §9 #5). The in-memory sender runs it as a Polly
/// pipeline (an instance); a store that keeps records itself gets the delay in each kept record's
/// <see cref="ConversionEventDeliveryResult.RetryDelay"/>. The records are kept meanwhile; there is no attempt limit
/// (staleness and shutdown end it). Waits run on the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class DeliveryBackoff
{
    private readonly ResiliencePipeline<SendResult?> _pipeline;

    /// <param name="api">The back-off settings.</param>
    /// <param name="timeProvider">The clock of the waits.</param>
    /// <param name="onBackoff">Called before each wait with the failure and the delay (logs, metrics, health).</param>
    public DeliveryBackoff(ConversionsApiOptions api, TimeProvider timeProvider, Action<SendResult, TimeSpan> onBackoff)
    {
        _pipeline = new ResiliencePipelineBuilder<SendResult?> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<SendResult?>
            {
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result is not null),
                MaxRetryAttempts = int.MaxValue,
                Delay = api.BackoffDelay,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(NextDelay(api, args.AttemptNumber + 1, args.Outcome.Result?.RetryAfter)),
                OnRetry = args =>
                {
                    onBackoff(args.Outcome.Result!.Value, args.RetryDelay);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>The wait before the next try after <paramref name="failures"/> failed tries in a row.</summary>
    /// <param name="api">The back-off settings.</param>
    /// <param name="failures">Failed tries in a row, at least 1.</param>
    /// <param name="retryAfter">The API's <c>Retry-After</c> with the last failure, if any.</param>
    /// <returns>The delay: doubled per failure with ±20 % jitter, at least what the API asked, at most the maximum.</returns>
    public static TimeSpan NextDelay(ConversionsApiOptions api, int failures, TimeSpan? retryAfter)
    {
        var max = api.MaxBackoffDelay;
        var ticks = api.BackoffDelay.Ticks * Math.Pow(2, Math.Clamp(failures - 1, 0, 30)) * (0.8 + (0.4 * Random.Shared.NextDouble()));
        var delay = TimeSpan.FromTicks((long)Math.Min(ticks, max.Ticks));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < max ? asked : max;
        }

        return delay;
    }

    /// <summary>Runs <paramref name="attempt"/> until it returns <see langword="null"/> (nothing left to send).</summary>
    /// <returns><see langword="null"/>, or the last failure when <paramref name="cancellationToken"/> stopped the retries after an attempt.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> ended a wait.</exception>
    public ValueTask<SendResult?> ExecuteAsync<TState>(Func<TState, ValueTask<SendResult?>> attempt, TState state, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(static (s, _) => s.attempt(s.state), (attempt, state), cancellationToken);
}
