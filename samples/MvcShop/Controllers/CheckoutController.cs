using Microsoft.AspNetCore.Mvc;
using MvcShop.Data;
using MvcShop.Models;
using OaiqPixel;

namespace MvcShop.Controllers;

[Route("checkout")]
public class CheckoutController(ShopStore store, ShopDbContext db, TimeProvider time, IConversionTracker tracker) : Controller
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
    public async Task<IActionResult> Place(CheckoutForm form, CancellationToken cancellationToken)
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

        // The order and its conversion commit together (the outbox, Program.cs): if anything below throws, the
        // transaction rolls back and neither the browser nor the Conversions API ever hears of this order.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var order = new Order
        {
            Email = form.Email,
            Total = lines.Sum(l => l.Total),
            Currency = lines[0].Product.Currency,
            PlacedAt = time.GetUtcNow(),
            Lines = [.. lines.Select(l => new OrderLine { ProductId = l.Product.Id, Name = l.Product.Name, UnitPrice = l.Product.Price, Quantity = l.Quantity })],
        };
        db.Orders.Add(order);
        await db.SaveChangesAsync(cancellationToken); // the database numbers the order

        // The order id is the event id on both legs, so OpenAI counts the purchase once. The email is normalized and
        // hashed here; the raw value never leaves this method. The next SaveChanges writes the event's outbox record in
        // this transaction; the pixel call renders (on the confirmation page) only once it committed.
        tracker.Track(
            OaiqEvent.OrderCreated(ShopContents.From(lines)),
            eventId: $"order_{order.Id}",
            user: UserData.FromEmail(form.Email));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        cart!.Clear();
        return RedirectToAction("Confirmation", "Orders", new { id = order.Id });
    }
}
