var builder = WebApplication.CreateBuilder(args);

builder.Services.AddControllersWithViews();

// 1. OpenAI Ads tracking, bound from the "Oaiq" section (appsettings.Development.json has a demo pixel).
builder.Services.AddOaiqTracking(builder.Configuration.GetSection("Oaiq"));

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Home/Error");
}

app.UseRouting();

// 2. Captures ?oppref= into the first-party __oppref cookie; after UseRouting, before the endpoints.
app.UseOaiqTracking();

app.MapStaticAssets();
app.MapControllerRoute(
    name: "default",
    pattern: "{controller=Home}/{action=Index}/{id?}")
    .WithStaticAssets();

app.Run();
