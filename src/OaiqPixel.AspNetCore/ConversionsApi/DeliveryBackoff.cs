using Polly;
using Polly.Retry;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The sender's outer back-off as a Polly pipeline: while a batch still fails after the HTTP client's own retries (an
/// outage, a refused key, an unexpected status), it is tried again after <see cref="ConversionsApiOptions.BackoffDelay"/>,
/// doubling with jitter up to <see cref="ConversionsApiOptions.MaxBackoffDelay"/>, or after the API's <c>Retry-After</c>
/// when it asks for longer (spec §9 #5). The records are kept meanwhile; there is no attempt limit (staleness and
/// shutdown end it). Waits run on the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class DeliveryBackoff
{
    private readonly ResiliencePipeline<SendResult?> _pipeline;

    /// <param name="api">The back-off settings.</param>
    /// <param name="timeProvider">The clock of the waits.</param>
    /// <param name="onBackoff">Called before each wait with the failure and the delay (logs, metrics, health).</param>
    public DeliveryBackoff(ConversionsApiOptions api, TimeProvider timeProvider, Action<SendResult, TimeSpan> onBackoff)
    {
        var maxDelay = api.MaxBackoffDelay;
        _pipeline = new ResiliencePipelineBuilder<SendResult?> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<SendResult?>
            {
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result is not null),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = api.BackoffDelay,
                MaxDelay = maxDelay,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Outcome.Result?.RetryAfter is { } retryAfter ? (retryAfter < maxDelay ? retryAfter : maxDelay) : null),
                OnRetry = args =>
                {
                    onBackoff(args.Outcome.Result!.Value, args.RetryDelay);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Runs <paramref name="attempt"/> until it returns <see langword="null"/> (nothing left to send).</summary>
    /// <returns><see langword="null"/>, or the last failure when <paramref name="cancellationToken"/> stopped the retries after an attempt.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> ended a wait.</exception>
    public ValueTask<SendResult?> ExecuteAsync<TState>(Func<TState, ValueTask<SendResult?>> attempt, TState state, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(static (s, _) => s.attempt(s.state), (attempt, state), cancellationToken);
}
