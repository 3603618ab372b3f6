using Microsoft.EntityFrameworkCore;

namespace OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>The test shop's database: orders (a unique order number, to make a save fail on purpose) and the outbox.</summary>
public sealed class ShopDbContext(DbContextOptions<ShopDbContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.HasIndex(o => o.Number).IsUnique();
            order.Property(o => o.Number).HasMaxLength(64);
        });
        modelBuilder.AddOaiqOutbox();
    }
}
