namespace OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

public sealed class Order
{
    public int Id { get; set; }

    public string Number { get; set; } = string.Empty;

    public long TotalCents { get; set; }
}
