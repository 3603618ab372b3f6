namespace OaiqPixel.Tests;

public class OaiqEventTests
{
    public static TheoryData<string, EventDataType, bool> Taxonomy => new()
    {
        { "page_viewed", EventDataType.Contents, true },
        { "contents_viewed", EventDataType.Contents, true },
        { "items_added", EventDataType.Contents, true },
        { "checkout_started", EventDataType.Contents, true },
        { "order_created", EventDataType.Contents, true },
        { "lead_created", EventDataType.CustomerAction, true },
        { "registration_completed", EventDataType.CustomerAction, true },
        { "appointment_scheduled", EventDataType.CustomerAction, true },
        { "subscription_created", EventDataType.PlanEnrollment, true },
        { "trial_started", EventDataType.PlanEnrollment, true },
        { "custom", EventDataType.Custom, true },
        { "app_installed", EventDataType.CustomerAction, false },
        { "app_opened", EventDataType.CustomerAction, false },
    };

    [Theory]
    [MemberData(nameof(Taxonomy))]
    public void EveryEvent_IsTiedToItsShape(string name, EventDataType shape, bool pixel)
    {
        Assert.True(OaiqEventNames.TryGetDataType(name, out var actual));
        Assert.Equal(shape, actual);
        Assert.Equal(pixel, OaiqEventNames.IsPixelEvent(name));

        var created = OaiqEvent.Create(name, customEventName: name == "custom" ? "my_event" : null);
        Assert.Equal(name, created.Name);
        Assert.Equal(shape, created.Data.Type);
        Assert.Equal(pixel, created.IsPixelEvent);
    }

    [Fact]
    public void TypedFactories_ProduceTheDocumentedNameAndShape()
    {
        var events = new[]
        {
            (OaiqEvent.PageViewed(), "page_viewed", EventDataType.Contents),
            (OaiqEvent.ContentsViewed(), "contents_viewed", EventDataType.Contents),
            (OaiqEvent.ItemsAdded(), "items_added", EventDataType.Contents),
            (OaiqEvent.CheckoutStarted(), "checkout_started", EventDataType.Contents),
            (OaiqEvent.OrderCreated(Money.FromMinorUnits(1, "USD")), "order_created", EventDataType.Contents),
            (OaiqEvent.LeadCreated(), "lead_created", EventDataType.CustomerAction),
            (OaiqEvent.RegistrationCompleted(), "registration_completed", EventDataType.CustomerAction),
            (OaiqEvent.AppointmentScheduled(), "appointment_scheduled", EventDataType.CustomerAction),
            (OaiqEvent.SubscriptionCreated(), "subscription_created", EventDataType.PlanEnrollment),
            (OaiqEvent.TrialStarted(), "trial_started", EventDataType.PlanEnrollment),
            (OaiqEvent.Custom("x1"), "custom", EventDataType.Custom),
            (OaiqEvent.AppInstalled(), "app_installed", EventDataType.CustomerAction),
            (OaiqEvent.AppOpened(), "app_opened", EventDataType.CustomerAction),
        };

        Assert.Equal(OaiqEventNames.All.Count, events.Length);
        foreach (var (evt, name, shape) in events)
        {
            Assert.Equal(name, evt.Name);
            Assert.Equal(shape, evt.Data.Type);
            Assert.Equal(name == "custom" ? "x1" : null, evt.CustomEventName);
        }
    }

    public static TheoryData<string, EventData> WrongShapes => new()
    {
        { "order_created", new CustomerActionData() },
        { "lead_created", new ContentsData() },
        { "subscription_created", new CustomData() },
        { "custom", new PlanEnrollmentData() },
        { "app_opened", new ContentsData() },
        { "page_viewed", new PlanEnrollmentData() },
    };

    [Theory]
    [MemberData(nameof(WrongShapes))]
    public void Create_WrongShape_ThrowsAtOnce(string name, EventData data)
    {
        var error = Assert.Throws<ArgumentException>(() => OaiqEvent.Create(name, data, name == "custom" ? "x" : null));
        Assert.Contains($"'{name}' events carry", error.Message, StringComparison.Ordinal);
        Assert.Equal("data", error.ParamName);
    }

    [Fact]
    public void Create_UnknownName_ListsTheValidNames()
    {
        var error = Assert.Throws<ArgumentException>(() => OaiqEvent.Create("purchase"));
        Assert.Contains("is not an OpenAI Ads event name", error.Message, StringComparison.Ordinal);
        Assert.Contains("order_created", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CustomNameOnStandardEvent_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => OaiqEvent.Create("lead_created", customEventName: "x"));
        Assert.Contains("only allowed on 'custom' events", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CustomWithoutName_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => OaiqEvent.Create("custom"));
        Assert.Contains("needs a custom_event_name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Content_RefusesEmptyContentTypeAndNegativeQuantity()
    {
        Assert.Contains("non-empty", Assert.Throws<ArgumentException>(() => new Content { ContentType = " " }).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Content { Quantity = -1 });
        Assert.Throws<ArgumentException>(() => new Content { Variant = new Dictionary<string, string> { [""] = "x" } });
    }

    [Fact]
    public void Contents_AreCopied_SoTheEventIsImmutable()
    {
        var items = new List<Content> { new() { Id = "a" } };
        var data = new ContentsData { Contents = items };
        items.Add(new Content { Id = "b" });
        Assert.Single(data.Contents);
        Assert.Throws<ArgumentException>(() => new ContentsData { Contents = [null!] });
    }

    [Theory]
    [InlineData("type")]
    [InlineData("plan_id")]
    [InlineData("amount")]
    [InlineData("currency")]
    [InlineData("contents")]
    [InlineData("")]
    public void CustomData_ReservedOrEmptyPropertyNames_AreRefused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new CustomData().WithProperty(name, "x"));
        Assert.Contains(name.Length == 0 ? "non-empty" : "documented field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomData_WithProperty_ReturnsACopyAndKeepsTheRest()
    {
        var original = new CustomData { PlanId = "pro", Amount = Money.FromMinorUnits(100, "EUR") };
        var extended = original.WithProperty("source", "footer").WithProperty("count", 3).WithProperty("ok", true).WithProperty("ratio", 0.5);
        Assert.Empty(original.Properties);
        Assert.Equal(4, extended.Properties.Count);
        Assert.Equal("pro", extended.PlanId);
        Assert.Equal(original.Amount, extended.Amount);
        Assert.Throws<ArgumentException>(() => original.WithProperty("bad", double.NaN));
    }
}
