using Microsoft.Extensions.DependencyInjection;

namespace OaiqPixel.AspNetCore.Internal;

internal sealed class OaiqTrackingBuilder(IServiceCollection services) : IOaiqTrackingBuilder
{
    public IServiceCollection Services { get; } = services;
}
