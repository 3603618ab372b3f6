using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// Wraps the app's whole pipeline, in front of everything the app adds (so without a call in <c>Program.cs</c>): once the
/// endpoint has run, the request's events no save of the app's carried are written on their own, awaited before a
/// response that has not started yet (a redirect) starts, so its carrier takes them as committed. When the request failed
/// (an exception, a 5xx status) they are dropped.
/// </summary>
internal sealed class OutboxStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(EndEndpointAsync);
        next(app);
    };

    private static async Task EndEndpointAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch
        {
            OutboxRequestSession.Find(context)?.EndEndpoint(failed: true);
            throw;
        }

        if (OutboxRequestSession.Find(context) is { } session && session.EndEndpoint(failed: false) is { } toWrite)
        {
            // Not the request's abort token: a visitor who leaves does not take back an order the app accepted.
            await session.WriteAsync(toWrite, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
