using System.Text.Json;

namespace MvcShop.Tests;

/// <summary>The other conversion paths: each form POST redirects to a page where the browser leg fires, with the server leg's id.</summary>
public sealed class ConversionPathTests : IAsyncLifetime
{
    private ShopApp _shop = null!;

    public Task InitializeAsync()
    {
        _shop = ShopApp.Start(requireConsent: false);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    public static TheoryData<string, string, string, string, string> Paths => new()
    {
        // page, form, expected event, expected id prefix, expected data
        { "/contact", "form[action='/contact']", "lead_created", "lead_", """{"type":"customer_action"}""" },
        { "/register", "form[action='/register']", "registration_completed", "registration_customer_", """{"type":"customer_action"}""" },
        { "/demo", "form[action='/demo']", "appointment_scheduled", "demo_", """{"type":"customer_action"}""" },
        { "/pricing", "#plan-club-monthly form[action='/pricing/subscribe']", "subscription_created", "subscription_",
          """{"type":"plan_enrollment","plan_id":"club-monthly","amount":900,"currency":"USD","contents":[{"id":"club-monthly","name":"Club monthly","content_type":"plan","quantity":1,"amount":900,"currency":"USD"}]}""" },
        { "/pricing", "#plan-club-yearly form[action='/pricing/trial']", "trial_started", "trial_", """{"type":"plan_enrollment","plan_id":"club-yearly"}""" },
        { "/", "form[action='/newsletter']", "custom", "newsletter_", """{"type":"custom"}""" },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Form_PostRedirectGet_BothLegsCarryTheConversionWithOneId(string page, string form, string eventName, string idPrefix, string pixelData)
    {
        // Arrange
        using var visitor = _shop.CreateSession();
        await visitor.GetAsync(page + "?oppref=gAAAA_path");
        var values = new Dictionary<string, string>
        {
            ["Name"] = "Grace Hopper", ["FirstName"] = " Grace ", ["LastName"] = "Hopper", ["Email"] = "grace@example.com",
            ["email"] = "grace@example.com", ["Message"] = "Hello", ["Date"] = "2030-01-15",
        };

        // Act
        await visitor.SubmitAsync(form, values.Where(v => visitor.Page.QuerySelector(form)!.QuerySelector($"[name='{v.Key}']") is not null).ToDictionary());

        // Assert: the browser leg on the page after the redirect.
        var conversion = Assert.Single(visitor.Calls, c => c.EventName == eventName);
        Assert.StartsWith(idPrefix, conversion.EventId, StringComparison.Ordinal);
        Assert.Equal(pixelData, conversion.Arguments[2].GetRawText());
        if (eventName == "custom")
        {
            Assert.Equal($$"""{"event_id":"{{conversion.EventId}}","custom_event_name":"newsletter_signup"}""", conversion.Arguments[3].GetRawText());
        }

        // Assert: the server leg, same id and name, the landing oppref, hashed user data.
        await Wait.UntilAsync(() => _shop.Sandbox.ServerEvents.Any(e => e.Id == conversion.EventId), $"the server leg of {conversion.EventId}");
        var received = Assert.Single(_shop.Sandbox.ServerEvents, e => e.Id == conversion.EventId);
        Assert.Equal(eventName, received.Type);
        Assert.Equal(eventName == "custom" ? "newsletter_signup" : null, received.CustomEventName);
        Assert.Equal("gAAAA_path", received.Oppref);
        using var json = JsonDocument.Parse(received.Json);
        var user = json.RootElement.GetProperty("user");
        if (eventName != "trial_started")
        {
            Assert.Equal(FunnelTests.Sha256("grace@example.com"), user.GetProperty("emails_sha256")[0].GetString());
        }

        if (eventName == "registration_completed")
        {
            Assert.Equal(FunnelTests.Sha256("grace"), user.GetProperty("first_names_sha256")[0].GetString());
            Assert.Equal(FunnelTests.Sha256("hopper"), user.GetProperty("last_names_sha256")[0].GetString());
            Assert.Equal(FunnelTests.Sha256(conversion.EventId!["registration_".Length..]), user.GetProperty("external_ids_sha256")[0].GetString());
        }

        if (eventName == "custom")
        {
            Assert.Equal("weekly", json.RootElement.GetProperty("data").GetProperty("list").GetString());
        }

        // Reloading the thanks page does not measure the conversion again.
        await visitor.GetAsync(visitor.Url!.PathAndQuery);
        Assert.DoesNotContain(visitor.Calls, c => c.EventName == eventName);
    }

    [Fact]
    public async Task InvalidForm_RedisplaysWithErrorsAndRecordsNothing()
    {
        // Arrange
        using var visitor = _shop.CreateSession();
        await visitor.GetAsync("/contact");

        // Act
        await visitor.SubmitAsync("form[action='/contact']", new Dictionary<string, string> { ["Email"] = "not-an-email" });

        // Assert
        Assert.NotNull(visitor.Page.QuerySelector(".validation-summary-errors"));
        Assert.DoesNotContain(visitor.Calls, c => c.EventName == "lead_created");
    }
}
