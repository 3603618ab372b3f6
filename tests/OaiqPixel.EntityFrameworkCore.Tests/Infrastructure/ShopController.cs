using Microsoft.AspNetCore.Mvc;

namespace OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>The test shop: a page with the pixel, and a POST that redirects to it (Post/Redirect/Get).</summary>
public sealed class ShopController(ShopDbContext db, IConversionTracker tracker, ShopScenario scenario) : Controller
{
    [HttpGet("/page")]
    public IActionResult Page()
    {
        scenario.Run?.Invoke(db, tracker, HttpContext);
        return scenario.FailWithStatus is { } status ? StatusCode(status) : View("/Views/Page.cshtml");
    }

    [HttpPost("/place")]
    public IActionResult Place()
    {
        scenario.Run?.Invoke(db, tracker, HttpContext);
        return scenario.FailWithStatus is { } status ? StatusCode(status) : Redirect("/page");
    }
}
