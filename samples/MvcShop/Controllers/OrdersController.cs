using Microsoft.AspNetCore.Mvc;
using MvcShop.Models;

namespace MvcShop.Controllers;

[Route("orders")]
public class OrdersController(ShopStore store) : Controller
{
    // The order_created recorded by the checkout POST renders here, once: the carrier is cleared after this page.
    [HttpGet("{id:int}/confirmation")]
    public IActionResult Confirmation(int id) => store.FindOrder(id) is { } order ? View(order) : NotFound();
}
