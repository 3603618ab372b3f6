namespace MvcShop.Models;

public sealed record Product(string Id, string Name, decimal Price, string Currency)
{
    public static IReadOnlyList<Product> Catalog { get; } =
    [
        new("sku-1", "Trail running shoes", 89.99m, "USD"),
        new("sku-2", "Merino socks", 12.50m, "USD"),
    ];

    public static Product? Find(string? id) => Catalog.FirstOrDefault(p => p.Id == id);
}
