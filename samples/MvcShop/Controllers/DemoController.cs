using Microsoft.AspNetCore.Mvc;
using MvcShop.Models;
using OaiqPixel;

namespace MvcShop.Controllers;

[Route("demo")]
public class DemoController(ShopStore store, IConversionTracker tracker) : Controller
{
    [HttpGet("")]
    public IActionResult Index() => View(new DemoForm { Date = DateOnly.FromDateTime(DateTime.Today.AddDays(7)) });

    [HttpPost("")]
    public IActionResult Book(DemoForm form)
    {
        if (!ModelState.IsValid)
        {
            return View("Index", form);
        }

        tracker.Track(OaiqEvent.AppointmentScheduled(), eventId: $"demo_{store.NextId()}", user: UserData.FromEmail(form.Email));
        return RedirectToAction(nameof(Booked));
    }

    [HttpGet("booked")]
    public IActionResult Booked() => View("Thanks", new ThanksModel("Your demo is booked", "A calendar invitation is on its way."));
}
