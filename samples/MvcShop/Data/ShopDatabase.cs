using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MvcShop.Data;

/// <summary>Where the shop's SQLite file lives and how it is created, so <c>dotnet run</c> needs no set-up.</summary>
public static class ShopDatabase
{
    /// <summary>The configuration key of the database file's path (relative paths are under the content root).</summary>
    public const string PathKey = "Shop:Database";

    /// <summary>The default file: App_Data/mvcshop.db in the project folder (git-ignored).</summary>
    public const string DefaultPath = "App_Data/mvcshop.db";

    /// <summary>The connection string for the configured file; creates its folder.</summary>
    public static string ConnectionString(IConfiguration configuration, IHostEnvironment environment)
    {
        var path = Path.GetFullPath(Path.Combine(environment.ContentRootPath, configuration[PathKey] ?? DefaultPath));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // A busy file (the outbox's dispatcher deleting delivered rows while a checkout commits) waits up to 30 s.
        return new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>
    /// Creates the tables on first start (a sample's shortcut: an app of your own applies its migrations instead, which
    /// <c>modelBuilder.AddOaiqOutbox()</c> takes part in) and switches the file to write-ahead logging, so readers and
    /// the one writer do not block each other.
    /// </summary>
    public static void EnsureCreated(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopDbContext>();
        db.Database.EnsureCreated();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }
}
