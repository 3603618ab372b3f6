using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>A fresh, empty database of one provider for one test, with the shop's schema created on request.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string? _folder;

    private TestDatabase(DbProvider provider, string connectionString, string? folder)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _folder = folder;
    }

    public DbProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The execution strategy the app's contexts use (EF Core's default when <see langword="null"/>).</summary>
    public Func<ExecutionStrategyDependencies, IExecutionStrategy>? ExecutionStrategy { get; set; }

    /// <summary>A fresh database on a cluster of the test's own (one it may stop and start).</summary>
    public static TestDatabase Create(PostgresCluster cluster) => new(DbProvider.PostgreSql, cluster.CreateDatabase("outbox"), null);

    public static TestDatabase Create(DbProvider provider)
    {
        if (provider == DbProvider.PostgreSql)
        {
            return new TestDatabase(provider, PostgresCluster.Shared.CreateDatabase("outbox"), null);
        }

        var folder = Directory.CreateTempSubdirectory("oaiq-sqlite-").FullName;
        return new TestDatabase(provider, $"Data Source={Path.Combine(folder, "shop.db")};Default Timeout=30", folder);
    }

    /// <summary>A SQLite database in a folder that does not exist: every connection fails, as for a server that is down.</summary>
    public static TestDatabase Unreachable() =>
        new(DbProvider.Sqlite, $"Data Source={Path.Combine(Path.GetTempPath(), "oaiq-missing-" + Guid.NewGuid().ToString("N"), "shop.db")};Mode=ReadWrite", null);

    public void Configure(DbContextOptionsBuilder options)
    {
        if (Provider == DbProvider.PostgreSql)
        {
            options.UseNpgsql(ConnectionString, o =>
            {
                if (ExecutionStrategy is { } strategy)
                {
                    o.ExecutionStrategy(strategy);
                }
            });
        }
        else
        {
            options.UseSqlite(ConnectionString, o =>
            {
                if (ExecutionStrategy is { } strategy)
                {
                    o.ExecutionStrategy(strategy);
                }
            });
        }
    }

    /// <summary>A context of the shop without the outbox's interceptor (for set-up and checks).</summary>
    public ShopDbContext CreateContext()
    {
        var options = new DbContextOptionsBuilder<ShopDbContext>();
        Configure(options);
        return new ShopDbContext(options.Options);
    }

    /// <summary>Creates the shop's tables (orders and the outbox); SQLite in WAL mode, as an app serving requests would use it.</summary>
    public void CreateSchema()
    {
        using var context = CreateContext();
        context.Database.EnsureCreated();
        if (Provider == DbProvider.Sqlite)
        {
            context.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }
    }

    /// <summary>The shop's tables without the outbox's: an app's database before the migration that adds it is applied.</summary>
    public void CreateSchemaWithoutOutbox()
    {
        CreateSchema();
        using var context = CreateContext();
        context.Database.ExecuteSqlRaw("DROP TABLE oaiq_outbox");
    }

    /// <summary>The outbox table's rows, read fresh.</summary>
    public List<OaiqOutboxMessage> Outbox()
    {
        using var context = CreateContext();
        return [.. context.Set<OaiqOutboxMessage>().AsNoTracking().OrderBy(m => m.Id)];
    }

    public List<Order> Orders()
    {
        using var context = CreateContext();
        return [.. context.Orders.AsNoTracking().OrderBy(o => o.Id)];
    }

    public void Dispose()
    {
        if (_folder is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
