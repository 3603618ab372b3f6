namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>
/// The GA4 recommended event of the same action as each OpenAI standard event (spec §3.1), for the data layer's
/// e-commerce push (<see cref="OaiqBrowserLeg.DataLayer"/>). Names are GA4's recommended events (Google Analytics 4,
/// "Recommended events" and "Measure ecommerce").
/// </summary>
/// <remarks>
/// <c>page_viewed</c> has none on purpose: GA4's own tag collects <c>page_view</c>, and a pushed one would count each page
/// twice. <c>appointment_scheduled</c>, <c>subscription_created</c>, <c>trial_started</c> and <c>custom</c> have no GA4
/// recommended counterpart (a subscription as <c>purchase</c> would add to revenue an app may already report). The
/// Conversions API-only <c>app_installed</c> and <c>app_opened</c> never reach a page.
/// </remarks>
internal static class Ga4Events
{
    /// <summary>The GA4 event name for an OpenAI event name, or <see langword="null"/> when GA4 has none.</summary>
    public static string? For(string openAiEventName) => openAiEventName switch
    {
        OaiqEventNames.ContentsViewed => "view_item",
        OaiqEventNames.ItemsAdded => "add_to_cart",
        OaiqEventNames.CheckoutStarted => "begin_checkout",
        OaiqEventNames.OrderCreated => "purchase",
        OaiqEventNames.LeadCreated => "generate_lead",
        OaiqEventNames.RegistrationCompleted => "sign_up",
        _ => null,
    };
}
