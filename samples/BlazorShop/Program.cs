using BlazorShop.Components;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();

// 1. OpenAI Ads tracking, bound from the "Oaiq" section (PixelId and ConversionsApi:ApiKey from user secrets or the
//    environment in production). Without a PixelId the shop runs untracked.
builder.Services.AddOaiqTracking(
    builder.Configuration.GetSection("Oaiq"),
    options => options.Enabled &= !string.IsNullOrWhiteSpace(options.PixelId));

if (builder.Environment.IsDevelopment())
{
    // Offline development: a stub pixel SDK, a local Conversions API and the /oaiq page.
    builder.Services.AddOaiqSandbox();
}

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseAntiforgery();

// 2. Captures ?oppref= into the first-party __oppref cookie and applies consent, before the endpoints.
app.UseOaiqTracking();

app.MapStaticAssets();
if (app.Environment.IsDevelopment())
{
    app.MapOaiqSandbox();
}

app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.Run();
