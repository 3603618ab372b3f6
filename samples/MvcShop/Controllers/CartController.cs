using Microsoft.AspNetCore.Mvc;
using MvcShop.Models;
using OaiqPixel;

namespace MvcShop.Controllers;

[Route("cart")]
public class CartController(ShopStore store, IConversionTracker tracker) : Controller
{
    [HttpGet("")]
    public IActionResult Index() => View(store.GetCart(HttpContext, create: false)?.Lines ?? []);

    // POST -> track -> redirect: the pixel's items_added renders on the cart page (carried across the redirect);
    // the Conversions API copy is queued now, with the same event id.
    [HttpPost("add")]
    public IActionResult Add(string productId, int quantity = 1)
    {
        if (Product.Find(productId) is not { } product || quantity is < 1 or > 99)
        {
            return BadRequest();
        }

        store.GetCart(HttpContext, create: true)!.Add(product, quantity);
        tracker.Track(OaiqEvent.ItemsAdded(new ContentsData
        {
            Amount = Money.FromMajor(product.Price * quantity, product.Currency),
            Contents = [ShopContents.From(product, quantity)],
        }));
        return RedirectToAction(nameof(Index));
    }
}
