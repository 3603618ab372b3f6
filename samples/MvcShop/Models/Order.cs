namespace MvcShop.Models;

/// <summary>A placed order, kept in the shop's SQLite database (Data/ShopDbContext.cs).</summary>
public sealed class Order
{
    public int Id { get; set; }

    public string Email { get; set; } = string.Empty;

    public decimal Total { get; set; }

    public string Currency { get; set; } = string.Empty;

    public DateTimeOffset PlacedAt { get; set; }

    public List<OrderLine> Lines { get; set; } = [];

    /// <summary>The lines as the cart showed them (for the shared _Lines partial).</summary>
    public IReadOnlyList<CartLine> CartLines() =>
        [.. Lines.Select(l => new CartLine(new Product(l.ProductId, l.Name, string.Empty, l.UnitPrice, Currency), l.Quantity))];
}
