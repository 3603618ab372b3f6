using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OaiqPixel.EntityFrameworkCore.Writing;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>
/// The retry matcher over the model shapes apps use — owned types, a shadow key, a composite key, table splitting, a value
/// converter of the app's own type (whose <c>ToString</c> throws), a primitive collection: it never throws (an exception
/// there would fail the app's save) and still tells the same changes on another context from other changes.
/// </summary>
public sealed class AppChangesShapesTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    [Fact]
    public void InsertsOfEveryShape_OnTwoContexts_SameValuesAreTheSameChanges_OtherValuesAreNot()
    {
        // Arrange
        using var first = Context();
        using var second = Context();
        using var other = Context();
        Insert(first, "blue");
        Insert(second, "blue");
        Insert(other, "red");

        // Act
        var failed = AppChanges.Of(first);

        // Assert
        Assert.True(AppChanges.Of(second).Retries(failed));
        Assert.False(AppChanges.Of(other).Retries(failed));
    }

    [Fact]
    public void UpdatesOfACompositeKeyRowAndAnOwnedValue_SameColumnsAreARetry_OtherColumnsAreNot()
    {
        // Arrange
        using var first = Context();
        using var retry = Context();
        using var other = Context();
        foreach (var context in new[] { first, retry, other })
        {
            context.Attach(new CartLine { CartId = 7, Sku = "sku-1", Quantity = 1, Note = new Note("n") });
            context.Attach(new Customer { Id = 3, Address = new Address { Street = "s", City = "c" } });
        }

        first.Set<CartLine>().Local.Single().Quantity = 2;
        retry.Set<CartLine>().Local.Single().Quantity = 3;
        other.Set<CartLine>().Local.Single().Note = new Note("changed");
        first.Set<Customer>().Local.Single().Address.City = "x";
        retry.Set<Customer>().Local.Single().Address.City = "y";
        other.Set<Customer>().Local.Single().Name = "z";

        // Act
        var failed = AppChanges.Of(first);

        // Assert
        Assert.True(AppChanges.Of(retry).Retries(failed));
        Assert.False(AppChanges.Of(other).Retries(failed));
    }

    public void Dispose() => _connection.Dispose();

    private static void Insert(ShapesContext context, string colour)
    {
        context.Add(new Customer { Name = colour, Address = new Address { Street = colour, City = "c" }, Tags = [colour] });
        context.Add(new CartLine { CartId = 1, Sku = colour, Quantity = 1, Note = new Note(colour) });
        context.Add(new Tag { Label = colour });
        context.Add(new Parcel { Label = colour, Detail = new ParcelDetail { Weight = colour } });
    }

    private ShapesContext Context() => new(new DbContextOptionsBuilder<ShapesContext>().UseSqlite(_connection).Options);

    private sealed class ShapesContext(DbContextOptions<ShapesContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<Customer>().OwnsOne(c => c.Address);
            modelBuilder.Entity<CartLine>().HasKey(l => new { l.CartId, l.Sku });
            modelBuilder.Entity<CartLine>().Property(l => l.Note).HasConversion(n => n.Text, t => new Note(t));
            modelBuilder.Entity<Tag>().Property<int>("TagId");
            modelBuilder.Entity<Tag>().HasKey("TagId");
            modelBuilder.Entity<Parcel>().ToTable("parcels").HasOne(p => p.Detail).WithOne().HasForeignKey<ParcelDetail>(d => d.Id);
            modelBuilder.Entity<ParcelDetail>().ToTable("parcels");
            modelBuilder.AddOaiqOutbox();
        }
    }

    private sealed class Customer
    {
        public int Id { get; set; }

        public string Name { get; set; } = string.Empty;

        public Address Address { get; set; } = new();

        public List<string> Tags { get; set; } = [];
    }

    private sealed class Address
    {
        public string Street { get; set; } = string.Empty;

        public string City { get; set; } = string.Empty;
    }

    private sealed class CartLine
    {
        public int CartId { get; set; }

        public string Sku { get; set; } = string.Empty;

        public int Quantity { get; set; }

        public Note Note { get; set; } = new(string.Empty);
    }

    /// <summary>An app's value type whose <c>ToString</c> throws: the matcher must compare what the column stores.</summary>
    private sealed record Note(string Text)
    {
        public override string ToString() => throw new InvalidOperationException("Not meant to be formatted.");
    }

    private sealed class Tag
    {
        public string Label { get; set; } = string.Empty;
    }

    private sealed class Parcel
    {
        public int Id { get; set; }

        public string Label { get; set; } = string.Empty;

        public ParcelDetail Detail { get; set; } = null!;
    }

    private sealed class ParcelDetail
    {
        public int Id { get; set; }

        public string Weight { get; set; } = string.Empty;
    }
}
