namespace MvcShop.Models;

/// <summary>A visitor's cart, kept in memory and found by the essential <c>shop_cart</c> cookie.</summary>
public sealed class Cart
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _quantities = new(StringComparer.Ordinal);

    public IReadOnlyList<CartLine> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _quantities.Select(q => new CartLine(Product.Find(q.Key)!, q.Value))];
            }
        }
    }

    public int Count => Lines.Sum(l => l.Quantity);

    public decimal Total => Lines.Sum(l => l.Total);

    public void Add(Product product, int quantity)
    {
        lock (_lock)
        {
            _quantities[product.Id] = Math.Min(99, _quantities.GetValueOrDefault(product.Id) + quantity);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _quantities.Clear();
        }
    }
}
