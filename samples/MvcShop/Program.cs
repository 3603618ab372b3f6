using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using MvcShop.Consent;
using MvcShop.Data;
using MvcShop.Models;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddControllersWithViews(options => options.Filters.Add(new AutoValidateAntiforgeryTokenAttribute()));
builder.Services.AddSingleton<ShopStore>();

// The shop's orders live in one SQLite file (Shop:Database, default App_Data/mvcshop.db), created on first start.
builder.Services.AddDbContext<ShopDbContext>(options =>
    options.UseSqlite(ShopDatabase.ConnectionString(builder.Configuration, builder.Environment)));

// Cookie consent: ASP.NET Core's cookie policy. Shop:RequireConsent switches the consent banner (and the need for
// consent before any tracking) on or off.
var requireConsent = builder.Configuration.GetValue("Shop:RequireConsent", true);
builder.Services.Configure<CookiePolicyOptions>(options =>
{
    options.CheckConsentNeeded = _ => requireConsent;
    options.MinimumSameSitePolicy = SameSiteMode.Lax;
});

// 1. OpenAI Ads tracking, bound from the "Oaiq" section. In production only Oaiq:PixelId and
//    Oaiq:ConversionsApi:ApiKey are needed (user secrets or environment variables). Without a PixelId the shop runs
//    untracked, and the library says so once at start-up.
//    AddEntityFrameworkOutbox: each conversion's Conversions API event is written in the same transaction as the
//    order that causes it and delivered from the table (Oaiq:Outbox), so a crash, a deploy or an API outage loses no
//    order; a rolled-back order reports neither leg. View events keep the in-memory queue.
builder.Services.AddOaiqTracking(builder.Configuration.GetSection("Oaiq"))
    .AddConsentResolver<ShopConsentResolver>()
    .AddEntityFrameworkOutbox<ShopDbContext>();

if (builder.Environment.IsDevelopment())
{
    // Offline development (OaiqPixel.Sandbox): a stub pixel SDK, a local Conversions API and the /oaiq page; it points
    // Oaiq:SdkUrl and Oaiq:ConversionsApi:BaseAddress at this app unless they are set.
    builder.Services.AddOaiqSandbox();
}

var app = builder.Build();
ShopDatabase.EnsureCreated(app.Services);

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error");
}

app.UseRouting();
app.UseCookiePolicy();

// 2. Captures ?oppref= into the first-party __oppref cookie and applies consent; after UseRouting and
//    UseCookiePolicy, before the endpoints.
app.UseOaiqTracking();

app.MapStaticAssets();
if (app.Environment.IsDevelopment())
{
    app.MapOaiqSandbox();
}

app.MapControllerRoute(
    name: "default",
    pattern: "{controller=Home}/{action=Index}/{id?}")
    .WithStaticAssets();

app.Run();
