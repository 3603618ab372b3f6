using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using OaiqPixel.EntityFrameworkCore;
using OaiqPixel.EntityFrameworkCore.Internal;

// Extension methods live in the EF Core namespace so OnModelCreating needs no extra using.
namespace Microsoft.EntityFrameworkCore;

/// <summary>Maps the OaiqPixel outbox table into an app's EF Core model.</summary>
public static class OaiqOutboxModelBuilderExtensions
{
    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "oaiq_outbox";

    /// <summary>
    /// Maps <see cref="OaiqOutboxMessage"/> to the outbox table, so the app's migrations create it
    /// (<c>dotnet ef migrations add AddOaiqOutbox</c>) and its <c>SaveChanges</c> can write conversions in the same
    /// transaction as the rest. Call it from <c>OnModelCreating</c> of the context given to
    /// <c>AddEntityFrameworkOutbox&lt;TContext&gt;()</c>.
    /// </summary>
    /// <param name="modelBuilder">The model builder of <c>OnModelCreating</c>.</param>
    /// <param name="tableName">The table's name. The default is <c>oaiq_outbox</c>.</param>
    /// <param name="schema">The table's schema, or <see langword="null"/> for the provider's default.</param>
    /// <returns>The model builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="modelBuilder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="tableName"/> is empty or white space.</exception>
    /// <remarks>
    /// Columns (snake case, so hand-written SQL reads them as written): <c>id</c> (64-bit key), <c>pixel_id</c>,
    /// <c>event_id</c>, <c>event_type</c>, <c>json</c> (binary: the UTF-8 event), <c>state</c>, <c>attempts</c>,
    /// <c>last_status</c>, <c>last_error</c>, <c>claim_id</c>, and the times <c>occurred_at</c>, <c>created_at</c>,
    /// <c>due_at</c>, <c>dead_lettered_at</c> as Unix milliseconds (a value outside <see cref="DateTimeOffset"/>'s range reads
    /// as its minimum or maximum rather than failing the query; the dispatcher dead-letters such a record); one index on (<c>state</c>, <c>due_at</c>) for the
    /// dispatcher's claim. No unique constraint on the event id: recording the same id twice never fails the app's
    /// transaction, and the API deduplicates.
    /// </remarks>
    public static ModelBuilder AddOaiqOutbox(this ModelBuilder modelBuilder, string tableName = DefaultTableName, string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        // EF Core never passes a null to a converter: the same one serves the nullable time.
        var unixMilliseconds = new ValueConverter<DateTimeOffset, long>(v => v.ToUnixTimeMilliseconds(), v => UnixMilliseconds.ToTime(v));

        modelBuilder.Entity<OaiqOutboxMessage>(entity =>
        {
            entity.ToTable(tableName, schema);
            entity.HasKey(m => m.Id);
            entity.Property(m => m.Id).HasColumnName("id").ValueGeneratedOnAdd();
            entity.Property(m => m.PixelId).HasColumnName("pixel_id").HasMaxLength(128).IsRequired();
            entity.Property(m => m.EventId).HasColumnName("event_id").HasMaxLength(OaiqPixel.EventIds.MaxLength).IsRequired();
            entity.Property(m => m.EventType).HasColumnName("event_type").HasMaxLength(64).IsRequired();
            entity.Property(m => m.OccurredAt).HasColumnName("occurred_at").HasConversion(unixMilliseconds);
            entity.Property(m => m.Json).HasColumnName("json").IsRequired();
            entity.Property(m => m.State).HasColumnName("state").HasConversion<int>();
            entity.Property(m => m.CreatedAt).HasColumnName("created_at").HasConversion(unixMilliseconds);
            entity.Property(m => m.DueAt).HasColumnName("due_at").HasConversion(unixMilliseconds);
            entity.Property(m => m.ClaimId).HasColumnName("claim_id");
            entity.Property(m => m.Attempts).HasColumnName("attempts");
            entity.Property(m => m.LastStatusCode).HasColumnName("last_status");
            entity.Property(m => m.LastError).HasColumnName("last_error").HasMaxLength(1024);
            entity.Property(m => m.DeadLetteredAt).HasColumnName("dead_lettered_at").HasConversion(unixMilliseconds);
            entity.HasIndex(m => new { m.State, m.DueAt }).HasDatabaseName("ix_" + tableName + "_state_due_at");
        });
        return modelBuilder;
    }
}
