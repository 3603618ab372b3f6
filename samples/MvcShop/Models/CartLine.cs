namespace MvcShop.Models;

public sealed record CartLine(Product Product, int Quantity)
{
    public decimal Total => Product.Price * Quantity;
}
