using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OaiqPixel;

namespace MinimalShop.Pages;

public sealed class PricingModel(IConversionTracker tracker) : PageModel
{
    [TempData]
    public bool Subscribed { get; set; }

    public void OnGet()
    {
    }

    // A page handler records the conversion, then redirects (Post/Redirect/Get): the pixel on the next page measures it.
    public IActionResult OnPost()
    {
        tracker.Track(
            OaiqEvent.SubscriptionCreated(new PlanEnrollmentData { PlanId = "plan-pro", Amount = Money.FromMajor(89.99m, "USD") }),
            eventId: $"plan_{Guid.NewGuid():N}");
        Subscribed = true;
        return RedirectToPage();
    }
}
