using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// Renews a round's lease every third of <see cref="OaiqOutboxOptions.LeaseDuration"/> while the round runs, on a context
/// of its own (the round's may be busy), so a short lease covers a round of any length and a dead process's records are
/// taken over soon after it stopped renewing. What a cut round leaves claimed waits for the lease alone.
/// </summary>
internal sealed class LeaseRenewal : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LeaseRenewal(HeldClaim held, IOutboxContextFactory contexts, TimeSpan lease, TimeProvider time, ILogger logger)
    {
        _loop = Task.Run(() => RunAsync(held, contexts, lease, time, logger, _stop.Token), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static async Task RunAsync(HeldClaim held, IOutboxContextFactory contexts, TimeSpan lease, TimeProvider time, ILogger logger, CancellationToken stop)
    {
        var every = lease / 3;
        while (true)
        {
            await Task.Delay(every, time, stop).ConfigureAwait(false);
            if (held.HasLapsed(time))
            {
                // Another dispatcher may hold them now: renewing would take nothing back (its claim replaced ours).
                return;
            }

            var startedAt = time.GetTimestamp();
            var leaseUntil = held.DatabaseNow(time) + lease;
            var claim = held.Id;
            try
            {
                var context = contexts.Create();
                await using (context.ConfigureAwait(false))
                {
                    await context.Context.Set<OaiqOutboxMessage>()
                        .Where(m => m.ClaimId == claim && m.State == OaiqOutboxMessageState.Pending)
                        .ExecuteUpdateAsync(s => s.SetProperty(m => m.DueAt, leaseUntil), stop).ConfigureAwait(false);
                }

                held.Renewed(startedAt, leaseUntil, time);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                OutboxLog.LeaseRenewalFailed(logger, held.Count, DatabaseFailure.Describe(ex), every, held.LeaseUntil);
            }
        }
    }
}
