using System.Collections.Concurrent;

namespace MvcShop.Models;

/// <summary>The shop's in-memory data: carts, orders and the ids of leads, customers, bookings and sign-ups.</summary>
public sealed class ShopStore
{
    public const string CartCookieName = "shop_cart";

    private readonly ConcurrentDictionary<string, Cart> _carts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, Order> _orders = new();
    private int _lastOrderId = 1000;
    private int _lastId;

    /// <summary>The visitor's cart; creates it (and its essential cookie) on first use when <paramref name="create"/>.</summary>
    public Cart? GetCart(HttpContext context, bool create)
    {
        if (context.Request.Cookies[CartCookieName] is { Length: > 0 } key && _carts.TryGetValue(key, out var cart))
        {
            return cart;
        }

        if (!create)
        {
            return null;
        }

        key = Guid.NewGuid().ToString("N");
        context.Response.Cookies.Append(CartCookieName, key, new CookieOptions
        {
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
        });
        return _carts.GetOrAdd(key, _ => new Cart());
    }

    public Order PlaceOrder(string email, IReadOnlyList<CartLine> lines)
    {
        var order = new Order(Interlocked.Increment(ref _lastOrderId), email, lines, lines.Sum(l => l.Total), lines[0].Product.Currency);
        _orders[order.Id] = order;
        return order;
    }

    public Order? FindOrder(int id) => _orders.GetValueOrDefault(id);

    /// <summary>A new id for a lead, customer, booking or sign-up (the event ids lead_7, customer_8, … are built from it).</summary>
    public int NextId() => Interlocked.Increment(ref _lastId);
}
