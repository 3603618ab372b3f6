using Microsoft.AspNetCore.Mvc;
using MvcShop.Models;

namespace MvcShop.Controllers;

[Route("products")]
public class ProductsController : Controller
{
    [HttpGet("")]
    public IActionResult Index() => View("~/Views/Home/Index.cshtml", Product.Catalog);

    // contents_viewed is recorded by <oaiq-event /> in the view.
    [HttpGet("{id}")]
    public IActionResult Details(string id) => Product.Find(id) is { } product ? View(product) : NotFound();
}
