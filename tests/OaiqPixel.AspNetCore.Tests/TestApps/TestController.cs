using Microsoft.AspNetCore.Mvc;
using OaiqPixel;

namespace OaiqPixel.AspNetCore.Tests.TestApps;

public sealed class TestController(TestScenario scenario, IConversionTracker tracker) : Controller
{
    [HttpGet("/page")]
    public IActionResult Page()
    {
        scenario.Record?.Invoke(tracker, HttpContext);
        return View("/TestApps/Views/Page.cshtml");
    }

    [HttpGet("/nonce-attribute")]
    public IActionResult NonceAttribute()
    {
        // Raw, not model-bound: binding would turn "" and white space into null.
        if (Request.Query.TryGetValue("nonce", out var nonce))
        {
            ViewData["nonce"] = nonce.ToString();
        }

        return View("/TestApps/Views/NonceAttribute.cshtml");
    }

    [HttpGet("/two-pixels")]
    public IActionResult TwoPixels() => View("/TestApps/Views/TwoPixels.cshtml");

    [HttpGet("/pixel-event-tag")]
    public IActionResult PixelEventTag() => View("/TestApps/Views/PixelEvent.cshtml");

    [HttpGet("/event-tag")]
    public IActionResult EventTag() => View("/TestApps/Views/EventTag.cshtml");

    [HttpPost("/place")]
    public IActionResult Place()
    {
        scenario.Record?.Invoke(tracker, HttpContext);
        return Redirect("/page");
    }

    [HttpPost("/api/place")]
    public IActionResult ApiPlace()
    {
        scenario.Record?.Invoke(tracker, HttpContext);
        return Json(new { ok = true });
    }

    [HttpGet("/opted-out")]
    [AspNetCore.DisableOaiqTracking]
    public IActionResult OptedOut()
    {
        scenario.TrackResults.Add(tracker.Track(OaiqEvent.LeadCreated()));
        return View("/TestApps/Views/Page.cshtml");
    }
}
