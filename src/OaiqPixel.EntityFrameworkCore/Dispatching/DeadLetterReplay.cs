using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Diagnostics;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// Sends the outbox's dead letters again: the matching rows back to pending (never taken, so due at once whatever the
/// clocks say), re-aimed at another pixel when asked, in one transaction whose update only matches rows still
/// dead-lettered, so instances replaying at once each move a row at most once. Rows past the API's window stay.
/// </summary>
internal sealed class DeadLetterReplay(IOutboxContextFactory contexts, OutboxSignal signal, IOaiqPixelResolver pixels, TimeProvider time, ILogger<DeadLetterReplay> logger)
{
    public async Task<OaiqReplayResult> ReplayAsync(OaiqReplayRequest request, CancellationToken cancellationToken)
    {
        OaiqReplayRequest.ThrowIfUnknownTarget(request, pixels);
        var now = time.GetUtcNow();
        var oldest = ConversionEventRecord.OldestSendable(now); // in SQL: too old is OccurredAt < oldest, as ConversionEventRecord.IsTooOld
        List<string>? eventIds = request.EventIds is { } ids ? [.. ids.Distinct(StringComparer.Ordinal)] : null;

        await using var lease = contexts.Create();
        var context = lease.Context;
        var strategy = context.Database.CreateExecutionStrategy();
        var (replayed, tooOld, found) = await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await context.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            var matching = context.Set<OaiqOutboxMessage>().Where(m => m.State == OaiqOutboxMessageState.DeadLettered);
            if (request.PixelId is { } pixelId)
            {
                matching = matching.Where(m => m.PixelId == pixelId);
            }

            if (eventIds is not null)
            {
                matching = matching.Where(m => eventIds.Contains(m.EventId));
            }

            var found = eventIds is null ? 0 : await matching.Select(m => m.EventId).Distinct().CountAsync(ct).ConfigureAwait(false);
            var tooOld = await matching.CountAsync(m => m.OccurredAt < oldest, ct).ConfigureAwait(false);
            var toPixelId = request.ToPixelId;
            var replayed = await matching.Where(m => m.OccurredAt >= oldest).ExecuteUpdateAsync(
                s =>
                {
                    s.SetProperty(m => m.State, OaiqOutboxMessageState.Pending).SetProperty(m => m.ClaimId, (Guid?)null)
                        .SetProperty(m => m.Attempts, 0).SetProperty(m => m.DueAt, now).SetProperty(m => m.DeadLetteredAt, (DateTimeOffset?)null)
                        .SetProperty(m => m.LastStatusCode, (int?)null).SetProperty(m => m.LastError, (string?)null);
                    if (toPixelId is not null)
                    {
                        s.SetProperty(m => m.PixelId, toPixelId);
                    }
                },
                ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return (replayed, tooOld, found);
        }, cancellationToken).ConfigureAwait(false);

        signal.Notify(replayed);
        var result = new OaiqReplayResult(replayed, tooOld, eventIds is null ? 0 : eventIds.Count - found, 0);
        OutboxLog.DeadLettersReplayed(logger, request.PixelId ?? "every pixel", request.ToPixelId ?? "its own pixel", result.Replayed, result.TooOld, result.NotFound);
        return result;
    }
}
