using Microsoft.AspNetCore.Mvc;
using MvcShop.Models;
using OaiqPixel;

namespace MvcShop.Controllers;

[Route("checkout")]
public class CheckoutController(ShopStore store, IConversionTracker tracker) : Controller
{
    [HttpGet("")]
    public IActionResult Index()
    {
        var lines = store.GetCart(HttpContext, create: false)?.Lines ?? [];
        if (lines.Count == 0)
        {
            return RedirectToAction("Index", "Cart");
        }

        tracker.Track(OaiqEvent.CheckoutStarted(ShopContents.From(lines)));
        ViewData["Lines"] = lines;
        return View(new CheckoutForm());
    }

    [HttpPost("")]
    public IActionResult Place(CheckoutForm form)
    {
        var cart = store.GetCart(HttpContext, create: false);
        var lines = cart?.Lines ?? [];
        if (lines.Count == 0)
        {
            return RedirectToAction("Index", "Cart");
        }

        if (!ModelState.IsValid)
        {
            ViewData["Lines"] = lines;
            return View("Index", form);
        }

        var order = store.PlaceOrder(form.Email, lines);
        cart!.Clear();

        // The order id is the event id on both legs, so OpenAI counts the purchase once. The email is normalized and
        // hashed here; the raw value never leaves this method.
        tracker.Track(
            OaiqEvent.OrderCreated(ShopContents.From(order.Lines)),
            eventId: $"order_{order.Id}",
            user: UserData.FromEmail(form.Email));

        return RedirectToAction("Confirmation", "Orders", new { id = order.Id });
    }
}
