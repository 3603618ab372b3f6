using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using MvcShop.Data;

namespace MvcShop.Controllers;

[Route("orders")]
public class OrdersController(ShopDbContext db) : Controller
{
    // The order_created recorded by the checkout POST renders here, once: the carrier is cleared after this page.
    [HttpGet("{id:int}/confirmation")]
    public async Task<IActionResult> Confirmation(int id, CancellationToken cancellationToken) =>
        await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken) is { } order ? View(order) : NotFound();
}
