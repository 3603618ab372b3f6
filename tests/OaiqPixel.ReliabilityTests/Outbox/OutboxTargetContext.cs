using Microsoft.EntityFrameworkCore;

namespace OaiqPixel.ReliabilityTests.Outbox;

/// <summary>The outbox child process's database: its orders (one row per conversion) and the outbox table.</summary>
public sealed class OutboxTargetContext(DbContextOptions<OutboxTargetContext> options) : DbContext(options)
{
    public DbSet<OutboxTargetOrder> Orders => Set<OutboxTargetOrder>();

    /// <summary>The context on <paramref name="provider"/> (<c>sqlite</c> or <c>postgres</c>), without the outbox's interceptor.</summary>
    public static OutboxTargetContext Create(string provider, string connectionString)
    {
        var options = new DbContextOptionsBuilder<OutboxTargetContext>();
        Configure(options, provider, connectionString);
        return new OutboxTargetContext(options.Options);
    }

    public static void Configure(DbContextOptionsBuilder options, string provider, string connectionString)
    {
        if (provider == "postgres")
        {
            options.UseNpgsql(connectionString);
        }
        else
        {
            options.UseSqlite(connectionString);
        }
    }

    /// <summary>Creates the tables (SQLite in WAL mode, as a serving app uses it).</summary>
    public static void CreateSchema(string provider, string connectionString)
    {
        using var context = Create(provider, connectionString);
        context.Database.EnsureCreated();
        if (provider != "postgres")
        {
            context.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxTargetOrder>(order =>
        {
            order.ToTable("orders");
            order.Property(o => o.Number).HasMaxLength(64);
            order.HasIndex(o => o.Number).IsUnique();
        });
        modelBuilder.AddOaiqOutbox();
    }
}
