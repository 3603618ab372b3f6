using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// Writes records with multi-row <c>INSERT</c> statements in a transaction the caller gives (the app's, as EF Core commits
/// it): they commit or roll back with it, and EF Core tracks no entity for them nor reads a key back. Names come from the
/// app's model, so a renamed table or schema works.
/// </summary>
internal static class OutboxInsert
{
    /// <summary>
    /// Rows per statement: 5 parameters a row stays under every provider's limit (SQL Server takes 2,100 parameters and
    /// 1,000 rows a statement; SQLite 32,766 parameters; PostgreSQL 65,535).
    /// </summary>
    internal const int RowsPerStatement = 200;

    private static readonly ConditionalWeakTable<IModel, Statement> s_statements = [];

    /// <summary>Writes the records in <paramref name="transaction"/>.</summary>
    /// <exception cref="DbException">The database refused them (the app's transaction then rolls back).</exception>
    public static void Write(DbContext context, DbTransaction transaction, IReadOnlyList<ConversionEventRecord> records, DateTimeOffset now)
    {
        var statement = GetStatement(context);
        for (var offset = 0; offset < records.Count; offset += RowsPerStatement)
        {
            using var command = statement.Create(context, transaction, records, offset, now);
            command.ExecuteNonQuery();
        }
    }

    public static async Task WriteAsync(DbContext context, DbTransaction transaction, IReadOnlyList<ConversionEventRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var statement = GetStatement(context);
        for (var offset = 0; offset < records.Count; offset += RowsPerStatement)
        {
            var command = statement.Create(context, transaction, records, offset, now);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static Statement GetStatement(DbContext context) =>
        s_statements.TryGetValue(context.Model, out var statement) ? statement : s_statements.GetValue(context.Model, _ => new Statement(context));

    /// <summary>The statement's text for the app's model, and the provider's parameter names.</summary>
    private sealed class Statement
    {
        private readonly string _prefix;
        private readonly ISqlGenerationHelper _sql;
        private readonly string?[] _texts = new string?[RowsPerStatement + 1];
        private readonly string[] _names = new string[(RowsPerStatement * 5) + 1];

        public Statement(DbContext context)
        {
            var entity = context.Model.FindEntityType(typeof(OaiqOutboxMessage))
                ?? throw new InvalidOperationException("The outbox table is not mapped: call modelBuilder.AddOaiqOutbox() in OnModelCreating.");
            _sql = context.GetService<ISqlGenerationHelper>();
            var tableName = entity.GetTableName()!;
            var schema = entity.GetSchema();
            var store = StoreObjectIdentifier.Table(tableName, schema);
            string Column(string property) => _sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(store)!);

            // The key is left to the database; claim, status, error and dead-letter time start empty.
            string[] columns =
            [
                Column(nameof(OaiqOutboxMessage.PixelId)),
                Column(nameof(OaiqOutboxMessage.EventId)),
                Column(nameof(OaiqOutboxMessage.EventType)),
                Column(nameof(OaiqOutboxMessage.OccurredAt)),
                Column(nameof(OaiqOutboxMessage.Json)),
                Column(nameof(OaiqOutboxMessage.State)),
                Column(nameof(OaiqOutboxMessage.Attempts)),
                Column(nameof(OaiqOutboxMessage.CreatedAt)),
                Column(nameof(OaiqOutboxMessage.DueAt)),
            ];
            _prefix = "INSERT INTO " + _sql.DelimitIdentifier(tableName, schema) + " (" + string.Join(", ", columns) + ") VALUES ";
            for (var i = 0; i < _names.Length; i++)
            {
                _names[i] = "p" + i.ToString(CultureInfo.InvariantCulture);
            }
        }

        public DbCommand Create(DbContext context, DbTransaction transaction, IReadOnlyList<ConversionEventRecord> records, int offset, DateTimeOffset now)
        {
            var rows = Math.Min(RowsPerStatement, records.Count - offset);
            var command = transaction.Connection!.CreateCommand();
            try
            {
                command.Transaction = transaction;
                command.CommandText = Text(rows);
                if (context.Database.GetCommandTimeout() is { } timeout)
                {
                    command.CommandTimeout = timeout;
                }

                var parameters = command.Parameters;
                parameters.Add(Parameter(command, _names[0], now.ToUnixTimeMilliseconds()));
                for (var row = 0; row < rows; row++)
                {
                    var record = records[offset + row];
                    var first = 1 + (row * 5);
                    parameters.Add(Parameter(command, _names[first], record.PixelId));
                    parameters.Add(Parameter(command, _names[first + 1], record.Id));
                    parameters.Add(Parameter(command, _names[first + 2], record.EventType));
                    parameters.Add(Parameter(command, _names[first + 3], record.Timestamp.ToUnixTimeMilliseconds()));
                    parameters.Add(Parameter(command, _names[first + 4], OutboxMessages.Bytes(record.Json)));
                }

                return command;
            }
            catch
            {
                command.Dispose();
                throw;
            }
        }

        /// <summary>The statement for <paramref name="rows"/> rows (made once per count: a request's records number a few).</summary>
        private string Text(int rows)
        {
            if (_texts[rows] is { } cached)
            {
                return cached;
            }

            var now = _sql.GenerateParameterNamePlaceholder(_names[0]);
            var text = new StringBuilder(_prefix, _prefix.Length + (rows * 64));
            for (var row = 0; row < rows; row++)
            {
                var first = 1 + (row * 5);
                text.Append(row == 0 ? "(" : ", (");
                for (var column = 0; column < 5; column++)
                {
                    text.Append(_sql.GenerateParameterNamePlaceholder(_names[first + column])).Append(", ");
                }

                text.Append((int)OaiqOutboxMessageState.Pending).Append(", 0, ").Append(now).Append(", ").Append(now).Append(')');
            }

            return _texts[rows] = text.ToString();
        }

        private DbParameter Parameter(DbCommand command, string name, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = _sql.GenerateParameterName(name);
            parameter.Value = value;
            return parameter;
        }
    }
}
