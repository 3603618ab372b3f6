using Microsoft.AspNetCore.Mvc;
using MvcShop.Models;
using OaiqPixel;

namespace MvcShop.Controllers;

[Route("register")]
public class AccountController(ShopStore store, IConversionTracker tracker) : Controller
{
    [HttpGet("")]
    public IActionResult Register() => View(new RegisterForm());

    [HttpPost("")]
    public IActionResult Create(RegisterForm form)
    {
        if (!ModelState.IsValid)
        {
            return View("Register", form);
        }

        // A signed-up customer: hashed email, first and last name, and the shop's own customer id as external id.
        var customerId = $"customer_{store.NextId()}";
        var user = UserData.FromEmail(form.Email)
            .WithFirstName(form.FirstName)
            .WithLastName(form.LastName)
            .WithExternalId(customerId);
        tracker.Track(OaiqEvent.RegistrationCompleted(), eventId: $"registration_{customerId}", user: user);
        return RedirectToAction(nameof(Welcome));
    }

    [HttpGet("welcome")]
    public IActionResult Welcome() => View("Thanks", new ThanksModel("Welcome aboard", "Your account is ready."));
}
