using System.Net;

namespace OaiqPixel.Testing.Tests;

/// <summary>Every per-event rule refuses a bad value with 400 and the documented message shape.</summary>
public sealed class EventValidationTests(FakeApiFixture fixture) : IClassFixture<FakeApiFixture>
{
    private const string Hex64Upper = "B4C9A289323B21A01C3E940F150EB9B8C542587F1ABFD8F0E1CC1FFC5E475514";
    private const string Hex63 = "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e47551";
    private const string NonHex64 = "z4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514";

    // kind, path, new value as JSON (null = remove the field), expected message prefix (after "events[0].")
    public static TheoryData<string, string, string?, string> BadValues => new()
    {
        // id
        { "order", "id", null, "id: required" },
        { "order", "id", "\"\"", "id: must not be empty" },
        { "order", "id", "\"   \"", "id: must not be empty" },
        { "order", "id", "12345", "id: must be a string" },
        // type
        { "order", "type", null, "type: required" },
        { "order", "type", "\"purchase\"", "type: must be one of" },
        { "order", "type", "\"Order_Created\"", "type: must be one of" },
        { "order", "type", "\"attribution_appended\"", "type: must be one of" },
        { "order", "type", "7", "type: must be a string" },
        // timestamp_ms
        { "order", "timestamp_ms", null, "timestamp_ms: required" },
        { "order", "timestamp_ms", "\"1773892800000\"", "timestamp_ms: must be an integer" },
        { "order", "timestamp_ms", "1773892800000.5", "timestamp_ms: must be an integer" },
        { "order", "timestamp_ms", "@now-7d-1m", "timestamp_ms: must be within the last 7 days" },
        { "order", "timestamp_ms", "@now-seconds", "timestamp_ms: must be within the last 7 days" },
        { "order", "timestamp_ms", "@now+11m", "timestamp_ms: must not be more than 10 minutes in the future" },
        // custom_event_name
        { "custom", "custom_event_name", null, "custom_event_name: required when type is \"custom\"" },
        { "custom", "custom_event_name", "\"Newsletter_Signup\"", "custom_event_name: must be 1-64 lowercase" },
        { "custom", "custom_event_name", "\"_signup\"", "custom_event_name: must be 1-64 lowercase" },
        { "custom", "custom_event_name", "\"signup-\"", "custom_event_name: must be 1-64 lowercase" },
        { "custom", "custom_event_name", "\"sign up\"", "custom_event_name: must be 1-64 lowercase" },
        { "custom", "custom_event_name", "\"\"", "custom_event_name: must be 1-64 lowercase" },
        { "custom", "custom_event_name", "\"" + new string('a', 65) + "\"", "custom_event_name: must be 1-64 lowercase" },
        { "custom", "custom_event_name", "\"order_created\"", "custom_event_name: must not be a standard event name" },
        { "custom", "custom_event_name", "\"custom\"", "custom_event_name: must not be a standard event name" },
        { "custom", "custom_event_name", "5", "custom_event_name: must be a string" },
        { "order", "custom_event_name", "\"my_event\"", "custom_event_name: only allowed when type is \"custom\"" },
        // action_source
        { "order", "action_source", "\"website\"", "action_source: must be one of" },
        { "order", "action_source", "\"WEB\"", "action_source: must be one of" },
        { "order", "action_source", "1", "action_source: must be a string" },
        { "app", "action_source", "\"web\"", "action_source: must be \"mobile_app\" for app_installed events" },
        { "app", "action_source", null, "action_source: required (\"mobile_app\") for app_installed events" },
        // source_url
        { "order", "source_url", null, "source_url: required when action_source is \"web\"" },
        { "order", "source_url", "\"/checkout/confirmation\"", "source_url: must be an absolute http or https URL" },
        { "order", "source_url", "\"shop.example.com/checkout\"", "source_url: must be an absolute http or https URL" },
        { "order", "source_url", "\"ftp://shop.example.com/file\"", "source_url: must be an absolute http or https URL" },
        { "order", "source_url", "\"\"", "source_url: must be an absolute http or https URL" },
        { "plan", "source_url", "\"not a url\"", "source_url: must be an absolute http or https URL" },
        // oppref, opt_out
        { "order", "oppref", "\"\"", "oppref: must not be empty" },
        { "order", "oppref", "42", "oppref: must be a string" },
        { "order", "opt_out", "\"true\"", "opt_out: must be a boolean" },
        { "order", "opt_out", "1", "opt_out: must be a boolean" },
        // unknown / legacy top-level fields
        { "order", "event_name", "\"order_created\"", "event_name: unknown field" },
        { "order", "event_id", "\"e1\"", "event_id: unknown field" },
        { "order", "event_time_epoch_ms", "@now", "event_time_epoch_ms: unknown field" },
        { "order", "custom_data", "{}", "custom_data: unknown field" },
        { "order", "oppcref", "\"x\"", "oppcref: unknown field" },
        // data
        { "order", "data", null, "data: required" },
        { "order", "data", "[]", "data: must be an object" },
        { "order", "data.type", null, "data.type: required" },
        { "order", "data.type", "\"customer_action\"", "data.type: must be \"contents\" for order_created events" },
        { "lead", "data.type", "\"contents\"", "data.type: must be \"customer_action\" for lead_created events" },
        { "plan", "data.type", "\"contents\"", "data.type: must be \"plan_enrollment\" for subscription_created events" },
        { "custom", "data.type", "\"contents\"", "data.type: must be \"custom\" for custom events" },
        { "app", "data.type", "\"contents\"", "data.type: must be \"customer_action\" for app_installed events" },
        { "order", "data.type", "\"attribution\"", "data.type: must be \"contents\"" },
        { "lead", "data.contents", "[{\"id\":\"x\"}]", "data.contents: not allowed when data.type is \"customer_action\"" },
        { "lead", "data.plan_id", "\"pro\"", "data.plan_id: not allowed when data.type is \"customer_action\"" },
        { "order", "data.plan_id", "\"pro\"", "data.plan_id: not allowed when data.type is \"contents\"" },
        { "order", "data.color", "\"blue\"", "data.color: unknown field" },
        { "plan", "data.campaign", "\"spring\"", "data.campaign: unknown field" },
        { "order", "data.amount", "25.99", "data.amount: must be an integer" },
        { "order", "data.amount", "\"2599\"", "data.amount: must be an integer" },
        { "order", "data.amount", "-1", "data.amount: must not be negative" },
        { "order", "data.currency", null, "data.currency: required when amount is present" },
        { "custom", "data.amount", "100", "data.currency: required when amount is present" },
        { "order", "data.currency", "\"US\"", "data.currency: must be a three-letter ISO 4217 currency code" },
        { "order", "data.currency", "\"US$\"", "data.currency: must be a three-letter ISO 4217 currency code" },
        { "order", "data.currency", "\"USDX\"", "data.currency: must be a three-letter ISO 4217 currency code" },
        { "order", "data.currency", "840", "data.currency: must be a three-letter ISO 4217 currency code" },
        { "plan", "data.plan_id", "42", "data.plan_id: must be a string" },
        { "order", "data.contents", "{}", "data.contents: must be an array" },
        // content items
        { "order", "data.contents[0]", "\"sku_123\"", "data.contents[0]: must be an object" },
        { "order", "data.contents[0].quantity", "\"1\"", "data.contents[0].quantity: must be an integer" },
        { "order", "data.contents[0].quantity", "1.5", "data.contents[0].quantity: must be an integer" },
        { "order", "data.contents[0].quantity", "-1", "data.contents[0].quantity: must not be negative" },
        { "order", "data.contents[0].amount", "9.99", "data.contents[0].amount: must be an integer" },
        { "order", "data.contents[0].amount", "-5", "data.contents[0].amount: must not be negative" },
        { "order", "data.contents[0].currency", "\"dollars\"", "data.contents[0].currency: must be a three-letter" },
        { "order", "data.contents[0].content_type", "\"\"", "data.contents[0].content_type: must not be empty" },
        { "order", "data.contents[0].content_type", "3", "data.contents[0].content_type: must be a string" },
        { "order", "data.contents[0].id", "123", "data.contents[0].id: must be a string" },
        { "order", "data.contents[0].name", "null", "data.contents[0].name: must be a string" },
        { "order", "data.contents[0].group_id", "7", "data.contents[0].group_id: must be a string" },
        { "order", "data.contents[0].variant_dict", "[\"m\"]", "data.contents[0].variant_dict: must be an object of strings" },
        { "order", "data.contents[0].variant_dict", "{\"size\":42}", "data.contents[0].variant_dict.size: must be a string" },
        { "order", "data.contents[0].sku", "\"x\"", "data.contents[0].sku: unknown field" },
        { "order", "data.contents[0].price", "9", "data.contents[0].price: unknown field" },
        { "plan", "data.contents[0].amount", "999", "data.contents[0].currency: required when amount is present" },
        // user
        { "order", "user", "[]", "user: must be an object" },
        { "order", "user.emails_sha256", "\"" + Payloads.EmailHash + "\"", "user.emails_sha256: must be an array of strings" },
        { "order", "user.emails_sha256[0]", "\"" + Hex64Upper + "\"", "user.emails_sha256[0]: must be a SHA-256 digest" },
        { "order", "user.emails_sha256[0]", "\"user@example.com\"", "user.emails_sha256[0]: must be a SHA-256 digest" },
        { "order", "user.phone_numbers_sha256[0]", "\"14155552671\"", "user.phone_numbers_sha256[0]: must be a SHA-256 digest" },
        { "order", "user.external_ids_sha256[0]", "\"" + Hex63 + "\"", "user.external_ids_sha256[0]: must be a SHA-256 digest" },
        { "order", "user.first_names_sha256[0]", "1", "user.first_names_sha256[0]: must be a string" },
        { "order", "user.last_names_sha256[0]", "\"" + NonHex64 + "\"", "user.last_names_sha256[0]: must be a SHA-256 digest" },
        { "order", "user.countries", "\"US\"", "user.countries: must be an array of strings" },
        { "order", "user.cities[0]", "5", "user.cities[0]: must be a string" },
        { "order", "user.regions[0]", "null", "user.regions[0]: must be a string" },
        { "order", "user.postal_codes", "94107", "user.postal_codes: must be an array of strings" },
        { "order", "user.ip_address", "\"999.1.1.1\"", "user.ip_address: must be a valid IPv4 or IPv6 address" },
        { "order", "user.ip_address", "\"10.1\"", "user.ip_address: must be a valid IPv4 or IPv6 address" },
        { "order", "user.ip_address", "\"not-an-ip\"", "user.ip_address: must be a valid IPv4 or IPv6 address" },
        { "order", "user.ip_address", "\"gggg::1\"", "user.ip_address: must be a valid IPv4 or IPv6 address" },
        { "order", "user.ip_address", "\"fe80::1%eth0\"", "user.ip_address: must be a valid IPv4 or IPv6 address" },
        { "order", "user.ip_address", "\"[2001:db8::1]:443\"", "user.ip_address: must be a valid IPv4 or IPv6 address" },
        { "order", "user.ip_address", "\"\"", "user.ip_address: must be a valid IPv4 or IPv6 address" },
        { "order", "user.user_agent", "\"\"", "user.user_agent: must not be empty" },
        { "order", "user.obref", "\"  \"", "user.obref: must not be empty" },
        { "order", "user.obref", "null", "user.obref: must be a string" },
        { "order", "user.android_advertising_id", "123", "user.android_advertising_id: must be a string" },
        { "order", "user.email_sha256", "\"" + Payloads.EmailHash + "\"", "user.email_sha256: unknown field" },
        { "order", "user.zip_code", "\"94107\"", "user.zip_code: unknown field" },
        { "order", "user.date_of_births_sha256", "[]", "user.date_of_births_sha256: unknown field" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task Event_BadValue_IsRefusedWith400NamingTheField(string kind, string path, string? json, string expected)
    {
        var now = Payloads.NowMs;
        var bad = Payloads.Event(kind, now);
        Payloads.Mutate(bad, path, json, now);

        var result = await fixture.Client.PostEventsAsync(fixture.Api, bad);

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.StartsWith("events[0]." + expected, result.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"invalid_request_error\"", result.Body, StringComparison.Ordinal);
        Assert.Empty(fixture.Api.Events);
    }

    [Fact]
    public async Task LeadWithContentsData_Gets400EventTypeDataMismatch_InTheObservedEnvelope()
    {
        // As the live API answered (third party, 2026-09-10): lead_created with contents data.
        var lead = Payloads.Event("lead");
        Payloads.Mutate(lead, "data.type", "\"contents\"", Payloads.NowMs);

        var result = await fixture.Client.PostEventsAsync(fixture.Api, Payloads.Event("order"), lead);

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        using var body = System.Text.Json.JsonDocument.Parse(result.Body);
        var error = body.RootElement.GetProperty("error");
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("events[1].data.type: must be \"customer_action\"", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            ("invalid_request_error", "events[1].data.type", ConversionsApiSchema.EventTypeDataMismatchCode),
            (error.GetProperty("type").GetString(), error.GetProperty("param").GetString(), error.GetProperty("code").GetString()));
        Assert.Empty(fixture.Api.Events);
    }

    [Fact]
    public async Task Batch_OneBadEventAmongValidOnes_FailsWholeAndNamesItsIndex()
    {
        var now = Payloads.NowMs;
        var bad = Payloads.Event("order", now, id: "bad");
        bad["data"]!["amount"] = 25.99;
        var before = fixture.Api.TotalRequests;

        var result = await fixture.Client.PostEventsAsync(
            fixture.Api,
            Payloads.Event("order", now, "a"), Payloads.Event("lead", now, "b"), bad, Payloads.Event("app", now, "d"));

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("events[2].data.amount: must be an integer (minor units, got number 25.99)", result.ErrorMessage);
        Assert.Empty(fixture.Api.Events);
        Assert.Empty(fixture.Api.EventIds);
        var request = fixture.Api.Requests[before];
        Assert.Equal(400, request.StatusCode);
        Assert.Equal(4, request.EventCount);
        Assert.Equal(result.ErrorMessage, request.ErrorMessage);
    }

    [Fact]
    public async Task Batch_SeveralBadEvents_ReportsTheFirstInvalidIndex()
    {
        var now = Payloads.NowMs;
        var first = Payloads.Event("lead", now, "x");
        first.Remove("id");
        var second = Payloads.Event("order", now, "y");
        second["type"] = "nope";

        var result = await fixture.Client.PostEventsAsync(fixture.Api, Payloads.Event("order", now), Payloads.Event("order", now), first, second);

        Assert.Equal("events[2].id: required", result.ErrorMessage);
    }
}
