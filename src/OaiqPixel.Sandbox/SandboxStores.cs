using OaiqPixel.AspNetCore.Diagnostics;

namespace OaiqPixel.Sandbox;

/// <summary>
/// The stores the page shows, each with its panel id: every registered <see cref="IOaiqStoreInspector"/> (the outbox:
/// <c>outbox</c>, <c>outbox2</c>…), then the in-memory path's (<c>memory</c>, keyed <see cref="IOaiqStoreInspector.InMemoryKey"/>).
/// </summary>
internal static class SandboxStores
{
    public const string MemoryId = "memory";

    public static IEnumerable<(string Id, IOaiqStoreInspector Inspector)> Inspectors(IServiceProvider services)
    {
        var count = 0;
        foreach (var inspector in services.GetServices<IOaiqStoreInspector>())
        {
            count++;
            yield return (count == 1 ? "outbox" : "outbox" + count.ToString(System.Globalization.CultureInfo.InvariantCulture), inspector);
        }

        if (services.GetKeyedService<IOaiqStoreInspector>(IOaiqStoreInspector.InMemoryKey) is { } memory)
        {
            yield return (MemoryId, memory);
        }
    }

    /// <summary>Each store's snapshot; a database error is shown, not thrown.</summary>
    public static async Task<List<SandboxStore>> ReadAsync(HttpContext context)
    {
        var stores = new List<SandboxStore>();
        foreach (var (id, inspector) in Inspectors(context.RequestServices))
        {
            try
            {
                stores.Add(new SandboxStore(id, inspector.Name, await inspector.GetSnapshotAsync(20, context.RequestAborted), null));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                stores.Add(new SandboxStore(id, inspector.Name, null, ex.GetType().Name + ": " + ex.Message));
            }
        }

        return stores;
    }
}
