using Microsoft.EntityFrameworkCore;

/// <summary>The benchmarks' shop database: orders (one per conversion) and the outbox table, on SQLite or PostgreSQL.</summary>
public sealed class OutboxBenchShop(DbContextOptions<OutboxBenchShop> options) : DbContext(options)
{
    public DbSet<OutboxBenchOrder> Orders => Set<OutboxBenchOrder>();

    public static void Configure(DbContextOptionsBuilder options, string provider, string connectionString)
    {
        if (provider == "postgres")
        {
            options.UseNpgsql(connectionString);
        }
        else
        {
            options.UseSqlite(connectionString);
            if (SqliteTuning.Enabled)
            {
                options.AddInterceptors(SqliteTuning.Instance);
            }
        }
    }

    /// <summary>A context without the outbox's interceptor, for set-up and measuring.</summary>
    public static OutboxBenchShop Create(string provider, string connectionString)
    {
        var options = new DbContextOptionsBuilder<OutboxBenchShop>();
        Configure(options, provider, connectionString);
        return new OutboxBenchShop(options.Options);
    }

    /// <summary>Creates the tables; SQLite in WAL mode, as a serving app uses it.</summary>
    public static void CreateSchema(string provider, string connectionString)
    {
        using var db = Create(provider, connectionString);
        db.Database.EnsureCreated();
        if (provider != "postgres")
        {
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxBenchOrder>(order =>
        {
            order.ToTable("orders");
            order.Property(o => o.Number).HasMaxLength(64);
        });
        modelBuilder.AddOaiqOutbox();
    }
}
