using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace OaiqPixel.AspNetCore.Tests.TestApps.Pages;

[IgnoreAntiforgeryToken]
public sealed class PlansModel(IConversionTracker tracker) : PageModel
{
    public double TeamPrice => 249.9;

    public void OnGet()
    {
    }

    public IActionResult OnPost()
    {
        tracker.Track(OaiqEvent.SubscriptionCreated(new PlanEnrollmentData { PlanId = "plan-pro" }), "sub_pages_1");
        return RedirectToPage();
    }
}
