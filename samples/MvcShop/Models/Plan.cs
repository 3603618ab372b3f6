namespace MvcShop.Models;

/// <summary>A subscription plan on the pricing page ("Shop Club": free shipping and early access).</summary>
public sealed record Plan(string Id, string Name, decimal MonthlyPrice, string Currency, int TrialDays)
{
    public static IReadOnlyList<Plan> All { get; } =
    [
        new("club-monthly", "Club monthly", 9.00m, "USD", 14),
        new("club-yearly", "Club yearly", 90.00m, "USD", 30),
    ];

    public static Plan? Find(string? id) => All.FirstOrDefault(p => p.Id == id);
}
