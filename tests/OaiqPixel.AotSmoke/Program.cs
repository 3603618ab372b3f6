#if OAIQ_TRACKING
using OaiqPixel;
using OaiqPixel.AotSmoke;
#endif
#if OAIQ_FAKE_API
using OaiqPixel.Testing;
#endif

var builder = WebApplication.CreateSlimBuilder(args);

#if OAIQ_FAKE_API
// The strict fake Conversions API on loopback, in this process: the app's server leg delivers to it.
await using var api = await FakeConversionsApi.StartAsync();
builder.Configuration.AddInMemoryCollection(api.ConfigurationFor());
#endif

var health = builder.Services.AddHealthChecks();
#if OAIQ_TRACKING
builder.Services.AddOaiqTracking(builder.Configuration.GetSection("Oaiq"))
    .AddConsentResolver<BannerConsentResolver>();
#if OAIQ_SERVER_LEG
health.AddOaiqConversionsApi();
#endif
#endif

var app = builder.Build();

#if OAIQ_TRACKING
app.UseOaiqTracking();
#endif

app.MapGet("/", (HttpContext context) => Results.Content(
    $"<!DOCTYPE html><html><head><meta charset=\"utf-8\">{Pixel(context)}<title>Shop</title></head><body>home</body></html>",
    "text/html; charset=utf-8"));

// A conversion recorded where it happens, then Post/Redirect/Get: its browser leg renders on the next page.
app.MapPost("/orders/{id}", (HttpContext context, string id, string? firstName) =>
{
#if OAIQ_TRACKING
    context.RequestServices.GetRequiredService<IConversionTracker>().Track(
        OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "EUR"), [new Content { Id = "sku-1", Name = "Mug", Quantity = 1 }]),
        eventId: "order_" + id,
        user: UserData.FromEmail("Ada@Example.com").WithFirstName(firstName ?? "Ada"));
#endif
    return Results.Redirect("/");
});

app.MapHealthChecks("/healthz");

#if OAIQ_FAKE_API
// What the fake received, one event per line as sent.
app.MapGet("/fake-api/events", () => Results.Text(
    string.Join('\n', api.Events.Select(static e => e.GetRawText())), "application/x-ndjson"));
#endif

app.Run();

static string Pixel(HttpContext context) =>
#if OAIQ_TRACKING
    context.GetOaiqPixel().ToString() ?? string.Empty;
#else
    string.Empty;
#endif
