using Microsoft.EntityFrameworkCore;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>Tells a database failure from the dispatcher's own, and says what it was without the provider's stack.</summary>
internal static class DatabaseFailure
{
    /// <summary>Whether <paramref name="exception"/> (or one it wraps) is the database's or the connection's.</summary>
    public static bool Is(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is System.Data.Common.DbException or TimeoutException or System.Net.Sockets.SocketException or IOException or DbUpdateException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The provider's own exception type and message, on one line of at most 300 characters.</summary>
    public static string Describe(Exception exception)
    {
        var ex = exception;
        while (ex.InnerException is not null && ex is not System.Data.Common.DbException)
        {
            ex = ex.InnerException;
        }

        var message = ex.Message.ReplaceLineEndings(" ").Trim();
        return ex.GetType().Name + ": " + (message.Length <= 300 ? message : string.Concat(message.AsSpan(0, 300), "…"));
    }

    /// <summary>
    /// Whether the database answers while the outbox table cannot be read: the table was never created (no migration
    /// applied) or differs from the model. False when the database itself is unreachable, or the table reads fine.
    /// </summary>
    public static async Task<bool> IsTableUnreadableAsync(IOutboxContextFactory contexts, CancellationToken stoppingToken)
    {
        try
        {
            var lease = contexts.Create();
            await using (lease.ConfigureAwait(false))
            {
                var database = lease.Context.Database;
                if (!await database.CanConnectAsync(stoppingToken).ConfigureAwait(false))
                {
                    return false;
                }

                try
                {
                    await lease.Context.Set<OaiqOutboxMessage>().AsNoTracking().AnyAsync(stoppingToken).ConfigureAwait(false);
                    return false;
                }
                catch (Exception ex) when (Is(ex))
                {
                    // Connected a moment ago: if it still connects, the failure is the table's, not the connection's.
                    return await database.CanConnectAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The probe only chooses the message; whatever it meets, the round's own failure is still logged.
            return false;
        }
    }
}
