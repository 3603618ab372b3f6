using Microsoft.AspNetCore.Mvc;
using MvcShop.Models;
using OaiqPixel;

namespace MvcShop.Controllers;

[Route("pricing")]
public class PricingController(ShopStore store, IConversionTracker tracker) : Controller
{
    [HttpGet("")]
    public IActionResult Index() => View(Plan.All);

    [HttpPost("subscribe")]
    public IActionResult Subscribe(PlanForm form)
    {
        if (Plan.Find(form.PlanId) is not { } plan)
        {
            return BadRequest();
        }

        var price = Money.FromMajor(plan.MonthlyPrice, plan.Currency);
        tracker.Track(
            OaiqEvent.SubscriptionCreated(new PlanEnrollmentData
            {
                PlanId = plan.Id,
                Amount = price,
                Contents = [new Content { Id = plan.Id, Name = plan.Name, ContentType = "plan", Quantity = 1, Amount = price }],
            }),
            eventId: $"subscription_{store.NextId()}",
            user: EmailUser(form));
        return RedirectToAction(nameof(Welcome), new { plan = plan.Id });
    }

    [HttpPost("trial")]
    public IActionResult StartTrial(PlanForm form)
    {
        if (Plan.Find(form.PlanId) is not { } plan)
        {
            return BadRequest();
        }

        tracker.Track(OaiqEvent.TrialStarted(new PlanEnrollmentData { PlanId = plan.Id }), eventId: $"trial_{store.NextId()}", user: EmailUser(form));
        return RedirectToAction(nameof(Welcome), new { plan = plan.Id, trial = true });
    }

    [HttpGet("welcome")]
    public IActionResult Welcome(string plan, bool trial = false) =>
        View("Thanks", new ThanksModel(
            trial ? "Your free trial has started" : "You are subscribed",
            $"{Plan.Find(plan)?.Name ?? "Your plan"} is active.{(trial ? $" No charge for {Plan.Find(plan)?.TrialDays ?? 14} days." : string.Empty)}"));

    // An email that fails validation is simply not used for matching; the sign-up still counts.
    private UserData? EmailUser(PlanForm form) =>
        string.IsNullOrWhiteSpace(form.Email) || !ModelState.IsValid ? null : UserData.FromEmail(form.Email);
}
