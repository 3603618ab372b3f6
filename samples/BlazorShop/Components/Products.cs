namespace BlazorShop.Components;

/// <summary>The demo catalogue.</summary>
public static class Products
{
    public static readonly IReadOnlyList<Product> All =
    [
        new("sku-1", "Trail running shoes", 89.99m),
        new("sku-2", "Rain jacket", 129.50m),
    ];

    public static Product? Find(string id) => All.FirstOrDefault(p => p.Id == id);
}

/// <summary>A product.</summary>
public sealed record Product(string Id, string Name, decimal Price);
