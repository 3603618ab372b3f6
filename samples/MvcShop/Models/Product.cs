namespace MvcShop.Models;

public sealed record Product(string Id, string Name, string Description, decimal Price, string Currency)
{
    public static IReadOnlyList<Product> Catalog { get; } =
    [
        new("sku-1", "Trail running shoes", "Light, grippy, made for muddy mornings.", 89.99m, "USD"),
        new("sku-2", "Merino socks", "Warm when wet, soft when dry.", 12.50m, "USD"),
        new("sku-3", "Running vest", "Two flasks, one phone, no bounce.", 64.00m, "USD"),
        new("sku-4", "Headlamp", "400 lumens for the dark miles.", 39.95m, "USD"),
    ];

    public static Product? Find(string? id) => Catalog.FirstOrDefault(p => p.Id == id);
}
