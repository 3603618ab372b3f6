namespace OaiqPixel.ReliabilityTests.Fuzz;

/// <summary>One of every event type, each with raw identifiers that must only ever leave the app hashed.</summary>
internal static class EveryEventType
{
    public const string Email = "Ada.Lovelace+ads@Example.com";
    public const string Phone = "+44 20 7946 0958";
    public const string PhoneDigits = "442079460958";
    public const string FirstName = "Augusta";
    public const string LastName = "Byron-King";
    public const string ExternalId = "customer-8812-secret";

    public static UserData User =>
        UserData.FromEmail(Email).WithPhoneNumber(Phone).WithFirstName(FirstName).WithLastName(LastName).WithExternalId(ExternalId);

    public static int Record(IConversionTracker tracker)
    {
        var money = Money.FromMinorUnits(4999, "EUR");
        var contents = new ContentsData { Amount = money, Contents = [new Content { Id = "sku-9", Name = "Analytical engine", ContentType = "product", Quantity = 1, Amount = money }] };
        OaiqEvent[] events =
        [
            OaiqEvent.ContentsViewed(contents),
            OaiqEvent.ItemsAdded(contents),
            OaiqEvent.CheckoutStarted(contents),
            OaiqEvent.OrderCreated(money, contents.Contents),
            OaiqEvent.LeadCreated(new CustomerActionData { Amount = money }),
            OaiqEvent.RegistrationCompleted(),
            OaiqEvent.AppointmentScheduled(),
            OaiqEvent.SubscriptionCreated(new PlanEnrollmentData { PlanId = "pro-yearly", Amount = money }),
            OaiqEvent.TrialStarted(new PlanEnrollmentData { PlanId = "pro-trial" }),
            OaiqEvent.Custom("quote_requested", new CustomData { Amount = money }.WithProperty("segment", "b2b")),
        ];
        foreach (var e in events)
        {
            tracker.Track(e, user: User);
        }

        return events.Length;
    }
}
