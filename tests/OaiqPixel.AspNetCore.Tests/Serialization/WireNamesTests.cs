using System.Text.Json.Nodes;

namespace OaiqPixel.AspNetCore.Tests.Serialization;

/// <summary>Every enum value of the model reaches the Conversions API with the spelling the spec documents.</summary>
public class WireNamesTests
{
    [Theory]
    [InlineData(ActionSource.Web, "web")]
    [InlineData(ActionSource.MobileApp, "mobile_app")]
    [InlineData(ActionSource.Offline, "offline")]
    [InlineData(ActionSource.PhysicalStore, "physical_store")]
    [InlineData(ActionSource.PhoneCall, "phone_call")]
    [InlineData(ActionSource.Email, "email")]
    [InlineData(ActionSource.Other, "other")]
    public void ActionSource_IsWrittenAsSpecSection42Spells(ActionSource source, string wire)
    {
        var e = new ConversionEvent(OaiqEvent.LeadCreated(), "lead_1", DateTimeOffset.UnixEpoch) { ActionSource = source, SourceUrl = "https://a.example/" };

        Assert.Equal(wire, JsonNode.Parse(Wire.Event(e))!["action_source"]!.GetValue<string>());
    }

    [Fact]
    public void EveryActionSource_HasATestedSpelling() =>
        Assert.Equal(7, Enum.GetValues<ActionSource>().Length);

    [Theory]
    [InlineData(OaiqEventNames.OrderCreated, "contents")]
    [InlineData(OaiqEventNames.LeadCreated, "customer_action")]
    [InlineData(OaiqEventNames.TrialStarted, "plan_enrollment")]
    [InlineData(OaiqEventNames.Custom, "custom")]
    public void DataType_IsWrittenAsSpecSection32Spells(string eventName, string wire)
    {
        var e = new ConversionEvent(OaiqEvent.Create(eventName, customEventName: eventName == OaiqEventNames.Custom ? "quote_requested" : null), "e_1", DateTimeOffset.UnixEpoch)
        {
            SourceUrl = "https://a.example/",
        };

        Assert.Equal(wire, JsonNode.Parse(Wire.Event(e))!["data"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void EveryDataType_HasATestedSpelling() =>
        Assert.Equal(4, Enum.GetValues<EventDataType>().Length);
}
