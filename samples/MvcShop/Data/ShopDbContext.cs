using Microsoft.EntityFrameworkCore;
using MvcShop.Models;

namespace MvcShop.Data;

/// <summary>
/// The shop's database (SQLite, one file): its orders and the OpenAI Ads outbox, so an order and its conversion commit
/// together (<c>AddEntityFrameworkOutbox&lt;ShopDbContext&gt;()</c> in Program.cs).
/// </summary>
public sealed class ShopDbContext(DbContextOptions<ShopDbContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.Property(o => o.Email).HasMaxLength(320);
            order.Property(o => o.Currency).HasMaxLength(3);
            order.OwnsMany(o => o.Lines, line =>
            {
                line.ToTable("order_lines");
                line.HasKey(l => l.Id); // its own key (numbered by the database), not (OrderId, Id)
                line.Property(l => l.ProductId).HasMaxLength(64);
                line.Property(l => l.Name).HasMaxLength(200);
            });
        });

        // The outbox table (oaiq_outbox): conversions wait here, committed with the order, until the Conversions API has them.
        modelBuilder.AddOaiqOutbox();
    }
}
