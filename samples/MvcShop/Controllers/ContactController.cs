using Microsoft.AspNetCore.Mvc;
using MvcShop.Models;
using OaiqPixel;

namespace MvcShop.Controllers;

[Route("contact")]
public class ContactController(ShopStore store, IConversionTracker tracker) : Controller
{
    [HttpGet("")]
    public IActionResult Index() => View(new ContactForm());

    [HttpPost("")]
    public IActionResult Send(ContactForm form)
    {
        if (!ModelState.IsValid)
        {
            return View("Index", form);
        }

        tracker.Track(OaiqEvent.LeadCreated(), eventId: $"lead_{store.NextId()}", user: UserData.FromEmail(form.Email));
        return RedirectToAction(nameof(Thanks));
    }

    [HttpGet("thanks")]
    public IActionResult Thanks() => View("Thanks", new ThanksModel("Thanks for getting in touch", "We will answer within one working day."));
}
