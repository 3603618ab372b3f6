using Microsoft.AspNetCore.Http;

namespace OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>What the test shop's actions do before they render or redirect: the test writes it.</summary>
public sealed class ShopScenario
{
    public Action<ShopDbContext, IConversionTracker, HttpContext>? Run { get; set; }

    /// <summary>The status the action answers with instead of rendering (a failed request).</summary>
    public int? FailWithStatus { get; set; }
}
