namespace MvcShop.Models;

/// <summary>One line of a placed order: the product as it was sold (name and price at the time).</summary>
public sealed class OrderLine
{
    public int Id { get; set; }

    public string ProductId { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public decimal UnitPrice { get; set; }

    public int Quantity { get; set; }
}
