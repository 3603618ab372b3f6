using System.Globalization;

namespace OaiqPixel.ReliabilityTests.Infrastructure;

/// <summary>Realistic, valid order events carrying every kind of value that must never be logged.</summary>
internal static class Events
{
    public const string Email = "grace.hopper@example.com";
    public const string Phone = "+1 (415) 555-0142";
    public const string Oppref = "gAAAAABreliability-oppref-token_77==";
    public const string Obref = "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f";

    public static ConversionEvent Order(string id, DateTimeOffset timestamp) =>
        new(OaiqEvent.OrderCreated(Money.FromMinorUnits(5198, "USD"),
            [
                new Content { Id = "sku_1", Name = "Starter bundle", ContentType = "product", Quantity = 2, Amount = Money.FromMinorUnits(2599, "USD") },
            ]), id, timestamp)
        {
            Oppref = Oppref,
            SourceUrl = "https://shop.example.com/checkout/confirmation",
            ActionSource = ActionSource.Web,
            User = UserData.FromEmail(Email).WithPhoneNumber(Phone).WithObref(Obref).WithIpAddress("198.51.100.23").WithUserAgent("Mozilla/5.0 (reliability)"),
        };

    public static string Id(string prefix, int i) => prefix + i.ToString(CultureInfo.InvariantCulture);
}
