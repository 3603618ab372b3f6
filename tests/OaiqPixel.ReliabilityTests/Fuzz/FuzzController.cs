using Microsoft.AspNetCore.Mvc;

namespace OaiqPixel.ReliabilityTests.Fuzz;

/// <summary>
/// Records events built from the request's (hostile) query through <see cref="IConversionTracker"/>, as an app that
/// passes user input into tracking would. The tracker's documented answer to a developer error is an
/// <see cref="ArgumentException"/>; the app catches exactly that, so any other exception becomes a 500 the fuzz sees.
/// </summary>
public sealed class FuzzController(IConversionTracker tracker) : Controller
{
    [HttpGet("/fuzz/page")]
    public IActionResult Page()
    {
        ViewData["recorded"] = RecordFromQuery();
        return View("/Views/Fuzz/Page.cshtml");
    }

    [HttpPost("/fuzz/place")]
    public IActionResult Place()
    {
        RecordFromQuery();
        return Redirect("/fuzz/page");
    }

    [HttpGet("/fuzz/asset")]
    public IActionResult Asset() => Content("asset", "text/plain");

    /// <summary>Every event type, with raw PII in the user data, rendered on this page.</summary>
    [HttpGet("/fuzz/every-event")]
    public IActionResult EveryEvent()
    {
        ViewData["recorded"] = EveryEventType.Record(tracker);
        return View("/Views/Fuzz/Page.cshtml");
    }

    /// <summary>Every event type, recorded before a redirect (the carrier takes the browser leg to the next page).</summary>
    [HttpPost("/fuzz/every-event")]
    public IActionResult EveryEventThenRedirect()
    {
        EveryEventType.Record(tracker);
        return Redirect("/fuzz/page");
    }

    private int RecordFromQuery()
    {
        var q = Request.Query;
        string? Get(string name) => q.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;
        var recorded = 0;

        void Try(Func<string?> track)
        {
            try
            {
                if (track() is not null)
                {
                    recorded++;
                }
            }
            catch (ArgumentException)
            {
                // A developer error, documented: the id, name or value was refused.
            }
        }

        var id = Get("id");
        var content = Get("content");
        Try(() => tracker.Track(
            OaiqEvent.ContentsViewed(new ContentsData { Contents = [new Content { Id = content, Name = content, ContentType = "product", Quantity = 1 }] }),
            eventId: id));
        Try(() => tracker.Track(OaiqEvent.Custom(Get("cname") ?? "fuzz_event", new CustomData { PlanId = Get("plan") }.WithProperty(Get("pname") ?? "note", Get("pval")))));
        Try(() =>
        {
            var user = UserData.Empty;
            if (Get("email") is { } email)
            {
                user = user.WithEmail(email);
            }

            if (Get("phone") is { } phone)
            {
                user = user.WithPhoneNumber(phone);
            }

            if (Get("first") is { } first)
            {
                user = user.WithFirstName(first);
            }

            return tracker.Track(OaiqEvent.LeadCreated(), user: user);
        });
        return recorded;
    }
}
