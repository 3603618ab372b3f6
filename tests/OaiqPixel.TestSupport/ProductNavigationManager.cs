using Microsoft.AspNetCore.Components;

namespace OaiqPixel.TestSupport;

/// <summary>
/// The navigation manager of a <see cref="BlazorProductPage"/> request. Blazor's endpoint initializes it with the
/// request's address; the static renderer alone does not, so an app rendering the page registers this one.
/// </summary>
public sealed class ProductNavigationManager : NavigationManager
{
    /// <summary>At <see cref="BlazorProductPage.Url"/>.</summary>
    public ProductNavigationManager() => Initialize("https://shop.example/", BlazorProductPage.Url);
}
