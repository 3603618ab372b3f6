namespace OaiqPixel.AspNetCore.Rendering;

/// <summary>What a caller of <see cref="PixelRenderer"/> may set for one page (the tag helper's attributes, a component's parameters).</summary>
/// <param name="Nonce">The CSP nonce; <see langword="null"/>, empty or white space means none given, so the configured provider's applies.</param>
/// <param name="User">The signed-in visitor's identifiers for <c>init</c>'s <c>user</c>, also merged into <c>page_viewed</c>'s server copy.</param>
/// <param name="PageData">Optional content for <c>page_viewed</c>.</param>
/// <param name="PageView">Whether to measure <c>page_viewed</c>; <see langword="null"/> follows <see cref="OaiqTrackingOptions.AutoPageView"/>.</param>
internal readonly record struct PixelRenderRequest(string? Nonce = null, UserData? User = null, ContentsData? PageData = null, bool? PageView = null);
