namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>One durable store's counts in the support bundle (<see cref="IOaiqStoreInspector"/>).</summary>
/// <param name="Name">The store's name.</param>
/// <param name="Pending">Events waiting to be delivered.</param>
/// <param name="DeadLettered">Events the API refused, kept.</param>
/// <param name="Delivered">Events this process delivered from it.</param>
/// <param name="Error">The type name of the exception reading it threw (a database down), never its message.</param>
internal sealed record SupportBundleStore(string Name, long? Pending, long? DeadLettered, long? Delivered, string? Error);
