using Microsoft.AspNetCore.Mvc;
using MvcShop.Models;

namespace MvcShop.Controllers;

[Route("products")]
public class ProductsController : Controller
{
    [HttpGet("")]
    public IActionResult Index() => View(Product.Catalog);

    [HttpGet("{id}")]
    public IActionResult Details(string id) => Product.Find(id) is { } product ? View(product) : NotFound();
}
