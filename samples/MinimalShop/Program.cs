using Microsoft.AspNetCore.Http.HttpResults;
using MinimalShop;
using MinimalShop.Components;
using OaiqPixel;

// Minimal APIs rendering their own HTML, beside the two other renderers a minimal app often has: Razor Pages (Pages/)
// and Razor components returned as results (Components/). Each page gets the pixel by the same rules.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddRazorPages();
builder.Services.AddRazorComponents();

// 1. OpenAI Ads tracking, bound from the "Oaiq" section. Without a PixelId the shop runs untracked.
builder.Services.AddOaiqTracking(
    builder.Configuration.GetSection("Oaiq"),
    options => options.Enabled &= !string.IsNullOrWhiteSpace(options.PixelId));

if (builder.Environment.IsDevelopment())
{
    builder.Services.AddOaiqSandbox();
}

var app = builder.Build();
app.UseRouting();

// 2. Captures ?oppref= into the first-party __oppref cookie and applies consent, before the endpoints.
app.UseOaiqTracking();
app.UseAntiforgery();

// Serves the module <OaiqPixel /> loads (_content/OaiqPixel.AspNetCore/oaiq-pixel.js) for the component pages.
app.MapStaticAssets();
if (app.Environment.IsDevelopment())
{
    app.MapOaiqSandbox();
}

// 3. A minimal API page: record first, then render — HttpContext.GetOaiqPixel() writes the pixel with every event
//    recorded for this request (and those carried from a redirect).
app.MapGet("/", (HttpContext http) => Results.Content(ShopPage.Render(http, "Minimal shop", """
    <h1 id="page-home">Minimal shop</h1>
    <p><a id="to-product" href="/products/sku-1">Trail running shoes</a> · <a id="to-pricing" href="/pricing">Pricing (Razor Pages)</a>
    · <a id="to-card" href="/cards/sku-2">A product card (RazorComponentResult)</a></p>
    """), "text/html; charset=utf-8"));

app.MapGet("/products/{id}", (string id, HttpContext http, IConversionTracker tracker) =>
{
    tracker.Track(OaiqEvent.ContentsViewed(new ContentsData
    {
        Amount = Money.FromMajor(89.99m, "USD"),
        Contents = [new Content { Id = id, Name = "Trail running shoes" }],
    }));
    return Results.Content(ShopPage.Render(http, "Trail running shoes", $"""
        <h1 id="page-product">Trail running shoes</h1>
        <form method="post" action="/signup"><input name="__RequestVerificationToken" type="hidden" value="{ShopPage.Antiforgery(http)}">
        <button id="signup" type="submit">Tell me about new shoes</button></form>
        <form method="post" action="/products/{id}/buy"><input name="__RequestVerificationToken" type="hidden" value="{ShopPage.Antiforgery(http)}">
        <button id="buy" type="submit">Buy from our partner seller ($89.99)</button></form>
        """), "text/html; charset=utf-8");
});

// A marketplace sale (README "Several pixels and multi-tenant apps"): with Shop:SellerPixelId set and listed in
// Oaiq:Pixels, the sale goes to the shop's own pixel with its total and to the seller's pixel with the seller's share,
// each by measureSingle under the one order id (spec §1.7); without it, to the shop's pixel as usual.
app.MapPost("/products/{id}/buy", (string id, IConversionTracker tracker, IConfiguration configuration) =>
{
    var orderId = $"order_{Guid.NewGuid():N}";
    Content[] contents = [new Content { Id = id, Name = "Trail running shoes", Quantity = 1, Amount = Money.FromMajor(89.99m, "USD") }];
    if (configuration["Shop:SellerPixelId"] is { Length: > 0 } seller && configuration["Oaiq:PixelId"] is { Length: > 0 } own)
    {
        tracker.TrackSingle(own, OaiqEvent.OrderCreated(Money.FromMajor(89.99m, "USD"), contents), orderId);
        tracker.TrackSingle(seller, OaiqEvent.OrderCreated(Money.FromMajor(80.99m, "USD"), contents), orderId);
    }
    else
    {
        tracker.Track(OaiqEvent.OrderCreated(Money.FromMajor(89.99m, "USD"), contents), orderId);
    }

    return Results.Redirect("/thanks");
});

// A POST that redirects (Post/Redirect/Get): the lead's browser leg waits in the carrier cookie for the next page.
app.MapPost("/signup", (IConversionTracker tracker) =>
{
    tracker.Track(OaiqEvent.LeadCreated(), eventId: $"lead_{Guid.NewGuid():N}");
    return Results.Redirect("/thanks");
});

app.MapGet("/thanks", (HttpContext http) => Results.Content(ShopPage.Render(http, "Thanks", """<h1 id="page-thanks">Thanks!</h1>"""), "text/html; charset=utf-8"));

// A Razor component as a result: <OaiqPixel /> in its <head>, as in a Blazor app.
app.MapGet("/cards/{id}", (string id) => new RazorComponentResult<ProductCard>(new { Id = id }));

app.MapRazorPages();

app.Run();
