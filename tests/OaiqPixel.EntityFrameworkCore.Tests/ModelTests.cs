using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// The mapping is migrations-friendly: what <c>dotnet ef migrations add</c> computes for a model with
/// <c>modelBuilder.AddOaiqOutbox()</c> is one table with its columns and the dispatcher's index, on either provider.
/// </summary>
public sealed class ModelTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("npgsql")]
    public void Migration_CreatesTheTableItsColumnsAndTheDispatchersIndex(string provider)
    {
        // Arrange
        using var context = Context(provider);

        // Act
        var operations = Differences(context);

        // Assert
        var table = Assert.Single(operations.OfType<CreateTableOperation>());
        Assert.Equal("oaiq_outbox", table.Name);
        Assert.Equal(
            ["attempts", "claim_id", "created_at", "dead_lettered_at", "due_at", "event_id", "event_type", "id", "json", "last_error", "last_status", "occurred_at", "pixel_id", "state"],
            table.Columns.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(typeof(long), table.Columns.Single(c => c.Name == "due_at").ClrType);
        Assert.Equal(typeof(byte[]), table.Columns.Single(c => c.Name == "json").ClrType);
        var index = Assert.Single(operations.OfType<CreateIndexOperation>());
        Assert.Equal(["state", "due_at"], index.Columns);
        Assert.False(index.IsUnique);
    }

    [Fact]
    public void Migration_HonoursATableNameAndSchema()
    {
        var options = new DbContextOptionsBuilder<RenamedContext>().UseNpgsql("Host=127.0.0.1;Database=none").Options;
        using var context = new RenamedContext(options);

        var table = Assert.Single(Differences(context).OfType<CreateTableOperation>());

        Assert.Equal("conversions_outbox", table.Name);
        Assert.Equal("tracking", table.Schema);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void AddOaiqOutbox_EmptyTableName_Throws(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => new ModelBuilder().AddOaiqOutbox(name));
    }

    private static IReadOnlyList<MigrationOperation> Differences(DbContext context) =>
        context.GetService<IMigrationsModelDiffer>().GetDifferences(null, context.GetService<IDesignTimeModel>().Model.GetRelationalModel());

    private static MappedContext Context(string provider)
    {
        var options = new DbContextOptionsBuilder<MappedContext>();
        if (provider == "sqlite")
        {
            options.UseSqlite("Data Source=:memory:");
        }
        else
        {
            options.UseNpgsql("Host=127.0.0.1;Database=none");
        }

        return new MappedContext(options.Options);
    }

    private sealed class MappedContext(DbContextOptions<MappedContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOaiqOutbox();
    }

    /// <summary>Its own type: EF Core caches one model per context type.</summary>
    private sealed class RenamedContext(DbContextOptions<RenamedContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOaiqOutbox("conversions_outbox", "tracking");
    }
}
