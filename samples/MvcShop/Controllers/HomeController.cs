using Microsoft.AspNetCore.Mvc;
using MvcShop.Models;

namespace MvcShop.Controllers;

public class HomeController : Controller
{
    public IActionResult Index() => View(Product.Catalog);

    [HttpGet("/privacy")]
    public IActionResult Privacy() => View();

    [HttpGet("/error")]
    [ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
    public IActionResult Error() => View();
}
