namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

/// <summary>Realistic events carrying every kind of sensitive value a log must never show.</summary>
internal static class TestEvents
{
    public const string Email = "ada.lovelace@example.com";
    public const string Oppref = "gAAAAABoppref-SECRET-click-token_42==";
    public const string Obref = "123e4567-e89b-42d3-a456-426614174000";
    public const string IpAddress = "203.0.113.7";

    public static readonly string EmailSha256 = UserDataNormalizer.HashEmail(Email);

    public static ConversionEvent Order(string id, DateTimeOffset timestamp) =>
        new(OaiqEvent.OrderCreated(Money.FromMinorUnits(7797, "USD"),
            [
                new Content { Id = "sku_1", Name = "Starter bundle", ContentType = "product", Quantity = 1, Amount = Money.FromMinorUnits(2599, "USD") },
                new Content { Id = "sku_2", Name = "Refill", ContentType = "product", Quantity = 2, Amount = Money.FromMinorUnits(2599, "USD") },
                new Content { Id = "sku_3", Name = "Gift wrap", ContentType = "service", Quantity = 1, Amount = Money.FromMinorUnits(0, "USD") },
            ]), id, timestamp)
        {
            Oppref = Oppref,
            SourceUrl = "https://shop.example.com/checkout/confirmation",
            User = UserData.FromEmail(Email).WithObref(Obref).WithIpAddress(IpAddress).WithUserAgent("Mozilla/5.0 (test)"),
        };

    public static List<ConversionEvent> Orders(int count, DateTimeOffset timestamp, string prefix = "order_")
    {
        var list = new List<ConversionEvent>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(Order(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture), timestamp));
        }

        return list;
    }
}
