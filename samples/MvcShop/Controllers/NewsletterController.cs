using Microsoft.AspNetCore.Mvc;
using MvcShop.Models;
using OaiqPixel;

namespace MvcShop.Controllers;

[Route("newsletter")]
public class NewsletterController(ShopStore store, IConversionTracker tracker) : Controller
{
    // A conversion outside the standard taxonomy: a custom event, with the same lowercase custom name on both legs.
    [HttpPost("")]
    public IActionResult Subscribe(NewsletterForm form)
    {
        if (!ModelState.IsValid)
        {
            return RedirectToAction(nameof(Thanks), new { failed = true });
        }

        tracker.Track(
            OaiqEvent.Custom("newsletter_signup", new CustomData().WithProperty("list", "weekly")),
            eventId: $"newsletter_{store.NextId()}",
            user: UserData.FromEmail(form.Email));
        return RedirectToAction(nameof(Thanks));
    }

    [HttpGet("thanks")]
    public IActionResult Thanks(bool failed = false) => View("Thanks", failed
        ? new ThanksModel("Not subscribed", "Please enter a valid email address.")
        : new ThanksModel("You are on the list", "The weekly newsletter arrives on Fridays."));
}
