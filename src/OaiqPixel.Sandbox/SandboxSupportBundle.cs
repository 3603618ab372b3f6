namespace OaiqPixel.Sandbox;

/// <summary>
/// <c>GET {prefix}/support-bundle.json</c>: the library's support bundle (<c>GetOaiqSupportBundleAsync</c>, redacted by
/// construction), as a download, under the same rules as the page (Development and this machine, or the app's policy).
/// </summary>
internal static class SandboxSupportBundle
{
    public const string Path = "support-bundle.json";

    public static async Task GetAsync(HttpContext context)
    {
        var json = await context.RequestServices.GetOaiqSupportBundleAsync(context.RequestAborted);
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentDisposition = "attachment; filename=\"oaiq-support-bundle.json\"";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }
}
