using OaiqPixel;

namespace MvcShop.Models;

/// <summary>Maps shop lines to the OpenAI Ads <see cref="Content"/> items that events carry.</summary>
public static class ShopContents
{
    public static Content From(Product product, int? quantity = null) => new()
    {
        Id = product.Id,
        Name = product.Name,
        ContentType = "product",
        Quantity = quantity,
        Amount = Money.FromMajor(product.Price, product.Currency),
    };

    public static ContentsData From(IReadOnlyList<CartLine> lines) => new()
    {
        Amount = Money.FromMajor(lines.Sum(l => l.Total), lines[0].Product.Currency),
        Contents = [.. lines.Select(l => From(l.Product, l.Quantity))],
    };
}
