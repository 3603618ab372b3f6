using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>The dispatcher's housekeeping: deletes expired dead letters and counts the table.</summary>
internal sealed class OutboxCleanup(
    IOutboxContextFactory contexts,
    OutboxStatus status,
    IOptionsMonitor<OaiqOutboxOptions> outbox,
    TimeProvider time,
    ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = outbox.CurrentValue;
        await using var lease = contexts.Create();
        var set = lease.Context.Set<OaiqOutboxMessage>();
        var now = time.GetUtcNow();

        // Pending records past the API's window are not deleted here: a round claims every pending record in time, and
        // the delivery drops it there (log 111), so one rule and one log line cover both paths.
        var expiredBefore = now - options.DeadLetterRetention;
        var expired = await set
            .Where(m => m.State == OaiqOutboxMessageState.DeadLettered && m.DeadLetteredAt < expiredBefore)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (expired > 0)
        {
            OutboxLog.DeadLettersExpired(logger, expired, options.DeadLetterRetention);
        }

        var pending = await set.LongCountAsync(m => m.State == OaiqOutboxMessageState.Pending, cancellationToken).ConfigureAwait(false);
        var deadLetters = await set.LongCountAsync(m => m.State == OaiqOutboxMessageState.DeadLettered, cancellationToken).ConfigureAwait(false);
        status.Counted(pending, deadLetters);
    }
}
