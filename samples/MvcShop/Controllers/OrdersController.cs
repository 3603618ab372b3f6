using System.Threading;
using Microsoft.AspNetCore.Mvc;
using MvcShop.Models;
using OaiqPixel;

namespace MvcShop.Controllers;

[Route("orders")]
public class OrdersController : Controller
{
    private static int s_lastOrderNumber = 1000;

    // POST -> record the conversion -> redirect: the pixel's "measure" renders on the confirmation page
    // (carried across the redirect), and the Conversions API copy is queued now, with the same event id.
    [HttpPost("")]
    [ValidateAntiForgeryToken]
    public IActionResult Place(string productId, int quantity, [FromServices] IConversionTracker tracker)
    {
        if (Product.Find(productId) is not { } product || quantity is < 1 or > 99)
        {
            return BadRequest();
        }

        var orderNumber = Interlocked.Increment(ref s_lastOrderNumber);
        var total = Money.FromMajor(product.Price * quantity, product.Currency);
        tracker.Track(
            OaiqEvent.OrderCreated(total, [new Content { Id = product.Id, Name = product.Name, ContentType = "product", Quantity = quantity, Amount = Money.FromMajor(product.Price, product.Currency) }]),
            eventId: $"order_{orderNumber}");

        return RedirectToAction(nameof(Confirmation), new { id = orderNumber });
    }

    [HttpGet("{id:int}/confirmation")]
    public IActionResult Confirmation(int id) => View(id);
}
