using System.Collections.Concurrent;

namespace MvcShop.Models;

/// <summary>
/// The shop's in-memory data: carts and the ids of leads, customers, bookings and sign-ups. Orders are kept in the
/// database (Data/ShopDbContext.cs), with their conversions.
/// </summary>
public sealed class ShopStore
{
    public const string CartCookieName = "shop_cart";

    private readonly ConcurrentDictionary<string, Cart> _carts = new(StringComparer.Ordinal);
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

    /// <summary>A new id for a lead, customer, booking or sign-up (the event ids lead_7, customer_8, … are built from it).</summary>
    public int NextId() => Interlocked.Increment(ref _lastId);
}
