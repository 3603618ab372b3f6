using Microsoft.EntityFrameworkCore;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// Writes a save's records right after it succeeded when the app turned EF Core's transactions off
/// (<c>AutoTransactionBehavior.Never</c>, no transaction open): each statement of such a save commits on its own, and a
/// concurrency failure is found only once the batch has run, so records inside the save could commit though the app's
/// changes failed. They follow the changes once those are in instead — on the app's connection, in a transaction of their
/// own that EF Core does not see, sync or async as the app saved.
/// </summary>
internal static class OutboxAfterSave
{
    /// <exception cref="System.Data.Common.DbException">The database refused them (none is written).</exception>
    public static void Write(DbContext context, IReadOnlyList<ConversionEventRecord> records, DateTimeOffset now)
    {
        var database = context.Database;
        database.OpenConnection();
        try
        {
            using var transaction = database.GetDbConnection().BeginTransaction();
            OutboxInsert.Write(context, transaction, records, now);
            transaction.Commit();
        }
        finally
        {
            database.CloseConnection();
        }
    }

    /// <exception cref="System.Data.Common.DbException">The database refused them (none is written).</exception>
    public static async Task WriteAsync(DbContext context, IReadOnlyList<ConversionEventRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var database = context.Database;
        await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await database.GetDbConnection().BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await OutboxInsert.WriteAsync(context, transaction, records, now, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }
}
