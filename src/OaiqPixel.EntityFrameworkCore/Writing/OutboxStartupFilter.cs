using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>Puts <see cref="OutboxEndpointMiddleware"/> in front of everything the app adds, so it sees the endpoint's end without a call in <c>Program.cs</c>.</summary>
internal sealed class OutboxStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<OutboxEndpointMiddleware>();
        next(app);
    };
}
